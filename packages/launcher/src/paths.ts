import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

/** The repository root, found from this file: scripts run from anywhere. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CENTER_MAIN = resolve(REPO_ROOT, 'apps/center/src/main.ts');
export const AGENT_MAIN = resolve(REPO_ROOT, 'apps/agent/src/main.ts');
export const CAMERA_FARM_MAIN = resolve(REPO_ROOT, 'packages/sim/src/camera/main.ts');
export const WEB_DIR = resolve(REPO_ROOT, 'apps/web');
export const WEB_DIST = resolve(WEB_DIR, 'dist');
