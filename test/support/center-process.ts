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
  databaseUrl: string;
  /** A session cookie (`cookie` header value) of each user named in `signIn`. */
  cookies: Record<string, string>;
}

export interface CenterProcess extends CenterProcessInfo {
  child: ChildProcess;
  /** The last few kilobytes the process wrote to stderr (an uncaught exception's stack, for one). */
  stderr(): string;
  /** The last 200 log lines of the center (none unless FIXTURE_LOG_LEVEL is set). */
  logs(): string[];
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
  /** Users to sign in once the center is up (the child keeps track of the authenticator codes it used). */
  signIn?: string[];
}

const SELF = fileURLToPath(import.meta.url);
/** Marks the child's one line about itself among the center's log lines. */
const INFO_PREFIX = 'bsm-center-process ';
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
  // The center's log lines (FIXTURE_LOG_LEVEL), kept for a failing test to print and echoed as they come.
  const logs: string[] = [];
  let ended = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = true;
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const info = await new Promise<CenterProcessInfo>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.startsWith(INFO_PREFIX)) {
        resolve(JSON.parse(line.slice(INFO_PREFIX.length)) as CenterProcessInfo);
        return;
      }
      logs.push(line);
      logs.splice(0, logs.length - 200);
      process.stderr.write(`[center] ${line}\n`);
    });
    void exited.then((code) => reject(new Error(`the center process ended (${code}) before it was up: ${stderr}`)));
  });
  return {
    ...info,
    child,
    stderr: () => stderr,
    logs: () => [...logs],
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
    databaseUrl: fx.databaseUrl,
    cookies: Object.fromEntries(
      await Promise.all((opts.signIn ?? []).map(async (u) => [u, await fx.cookieOf(u)] as const)),
    ),
  };
  process.stdout.write(`${INFO_PREFIX}${JSON.stringify(info)}\n`);
}

if (process.argv[1] === SELF) {
  await main();
}
