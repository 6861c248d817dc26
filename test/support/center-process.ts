import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startCenterFixture, type FixtureUser } from './center-fixture.js';

/** What the child prints once its center is up, as one JSON line. */
export interface CenterProcessInfo {
  httpUrl: string;
  brokerUrl: string;
  media: { rtmp: number; http: number } | null;
}

export interface CenterProcess extends CenterProcessInfo {
  child: ChildProcess;
  /** Whether the process is still running (it has not exited or been killed). */
  alive(): boolean;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  stop(): Promise<void>;
}

interface Options {
  branches: string[];
  users: FixtureUser[];
  config?: Record<string, unknown>;
}

const SELF = fileURLToPath(import.meta.url);
const REPO_ROOT = join(dirname(SELF), '..', '..');

/**
 * The fixture's center in a process of its own, for attacks whose effect is
 * on the process: a test in the same process as the center could not tell a
 * crash of the center from its own, and an uncaught exception there would
 * also take the test runner's worker down.
 */
export async function startCenterProcess(opts: Options): Promise<CenterProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, JSON.stringify(opts)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  let ended = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = true;
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const info = await new Promise<CenterProcessInfo>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(JSON.parse(line) as CenterProcessInfo));
    void exited.then((code) => reject(new Error(`the center process ended (${code}) before it was up: ${stderr}`)));
  });
  return {
    ...info,
    child,
    alive: () => !ended,
    exited,
    async stop() {
      if (!ended) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** The child's side: start the center, say where it is, close it on SIGTERM. */
async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? '{}') as Options;
  const fx = await startCenterFixture(opts);
  process.once('SIGTERM', () => {
    void fx.close().then(() => process.exit(0));
  });
  const info: CenterProcessInfo = {
    httpUrl: fx.center.httpUrl,
    brokerUrl: fx.center.brokerUrl,
    media: fx.center.media,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

if (process.argv[1] === SELF) {
  await main();
}
