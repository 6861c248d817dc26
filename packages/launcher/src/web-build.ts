import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, WEB_DIR, WEB_DIST } from './paths.js';

function newestMtime(path: string): number {
  if (!existsSync(path)) {
    return 0;
  }
  const st = statSync(path);
  if (!st.isDirectory()) {
    return st.mtimeMs;
  }
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry !== 'node_modules' && entry !== 'dist') {
      newest = Math.max(newest, newestMtime(join(path, entry)));
    }
  }
  return newest;
}

/** True when the built console is missing or older than its sources (the web app or the shared protocol). */
export function webBuildIsStale(): boolean {
  const built = join(WEB_DIST, 'index.html');
  if (!existsSync(built)) {
    return true;
  }
  const sources = Math.max(newestMtime(WEB_DIR), newestMtime(join(REPO_ROOT, 'packages/protocol/src')));
  return sources > statSync(built).mtimeMs;
}

/** Builds the console with Vite when needed, so `npm start` on a fresh clone needs no separate build step. */
export async function ensureWebBuilt(log: (line: string) => void): Promise<void> {
  if (!webBuildIsStale()) {
    return;
  }
  log('building the web console (first start or sources changed)…');
  const vite = join(REPO_ROOT, 'node_modules/vite/bin/vite.js');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: WEB_DIR,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`web console build failed (exit ${code})`))));
    child.on('error', reject);
  });
}
