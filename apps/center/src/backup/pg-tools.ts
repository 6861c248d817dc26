import { spawn } from 'node:child_process';
import { basename, dirname, join } from 'node:path';

/**
 * pg_dump and pg_restore: their command lines (pure, unit-tested to the
 * argument), the version check that decides whether pg_dump can dump a
 * server, and a thin runner for `--version`.
 *
 * Passwords never go on a command line (other users see it in `ps`): the
 * URL is passed without its password, which travels in PGPASSWORD.
 */

export interface PgTool {
  path: string;
  version: string;
  major: number;
}

/** `pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)` → 15.20 / 15. */
export function parsePgToolVersion(output: string): { version: string; major: number } | null {
  const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(output);
  if (!m?.[1]) {
    return null;
  }
  return { version: m[2] === undefined ? m[1] : `${m[1]}.${m[2]}`, major: Number(m[1]) };
}

/** `server_version_num` 170004 → 17. */
export const serverMajor = (versionNum: number): number => Math.floor(versionNum / 10_000);

/** The URL without its password, and the password. */
export function splitPassword(url: string): { url: string; password: string | null } {
  const u = new URL(url);
  const password = u.password === '' ? null : decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), password };
}

/** The environment of a pg_dump or pg_restore run: the password, and a name in pg_stat_activity. */
export function pgEnv(password: string | null, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, PGAPPNAME: 'bsm-backup' };
  delete env.PGPASSWORD;
  if (password !== null) {
    env.PGPASSWORD = password;
  }
  return env;
}

/**
 * pg_dump of the whole database in the custom format (compressed, restored
 * selectively by pg_restore), to stdout, from the snapshot the backup's own
 * transaction exported: its manifest and the archive describe the same data.
 */
export function pgDumpArgs(opts: { url: string; snapshot: string }): string[] {
  return ['--format=custom', '--no-password', `--snapshot=${opts.snapshot}`, `--dbname=${opts.url}`];
}

/**
 * pg_restore from stdin into an empty database, as the connecting user
 * (ownership and grants of the source are not replayed), all or nothing.
 */
export function pgRestoreArgs(opts: { url: string }): string[] {
  return [
    '--no-password',
    '--no-owner',
    '--no-privileges',
    '--single-transaction',
    '--exit-on-error',
    `--dbname=${opts.url}`,
  ];
}

/** Where to find pg_restore: as configured, else beside the configured pg_dump, else on PATH. */
export function pgRestoreCandidate(opts: {
  pgRestorePath?: string | undefined;
  pgDumpPath?: string | undefined;
}): string {
  if (opts.pgRestorePath) {
    return opts.pgRestorePath;
  }
  if (opts.pgDumpPath && basename(opts.pgDumpPath) === 'pg_dump') {
    return join(dirname(opts.pgDumpPath), 'pg_restore');
  }
  return 'pg_restore';
}

export type MethodChoice = { method: 'pg_dump'; tool: PgTool } | { method: 'builtin'; reason: string };

/**
 * Which way a backup is taken. `auto` takes pg_dump when one is found whose
 * major version is at least the server's (an older pg_dump refuses a newer
 * server), else the built-in dump; `pg_dump` insists and fails without one;
 * `builtin` never looks. A configured pgDumpPath that does not work is an
 * error, not a silent fallback: someone meant it.
 */
export function chooseMethod(opts: {
  method: 'auto' | 'pg_dump' | 'builtin';
  serverVersionNum: number;
  /** The pg_dump found, or why none was. */
  pgDump: PgTool | { missing: string };
  configured: boolean;
}): MethodChoice {
  if (opts.method === 'builtin') {
    return { method: 'builtin', reason: 'configured' };
  }
  const major = serverMajor(opts.serverVersionNum);
  const strict = opts.method === 'pg_dump' || opts.configured;
  if ('missing' in opts.pgDump) {
    if (strict) {
      throw new Error(`pg_dump is not usable: ${opts.pgDump.missing}`);
    }
    return { method: 'builtin', reason: `no pg_dump (${opts.pgDump.missing})` };
  }
  if (opts.pgDump.major < major) {
    const why = `${opts.pgDump.path} is version ${opts.pgDump.version}, older than the server (${major}), which it cannot dump`;
    if (strict) {
      throw new Error(why);
    }
    return { method: 'builtin', reason: why };
  }
  return { method: 'pg_dump', tool: opts.pgDump };
}

/** Runs `<path> --version`; what is wrong when it cannot be run. */
export async function probePgTool(path: string): Promise<PgTool | { missing: string }> {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(path, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ missing: error.code === 'ENOENT' ? `${path} not found` : `${path}: ${error.message}` }),
    );
    child.on('close', (code) => {
      const parsed = parsePgToolVersion(out);
      if (code !== 0 || !parsed) {
        resolve({ missing: `${path} --version said "${out.trim().slice(0, 200)}" (exit ${code})` });
      } else {
        resolve({ path, ...parsed });
      }
    });
  });
}
