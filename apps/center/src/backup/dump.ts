import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { appliedMigrations, quoteIdent, sequences, tables } from './catalog.js';
import { backupFileName, partialFileName, sidecarContent, sidecarFileName } from './files.js';
import {
  MANIFEST_ENTRY,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  PG_DUMP_ENTRY,
  tableEntry,
  type BackupManifest,
  type BackupMethod,
} from './manifest.js';
import { chooseMethod, pgDumpArgs, pgEnv, probePgTool, splitPassword, type PgTool } from './pg-tools.js';
import { sha256Of, TarWriter, type WrittenEntry } from './tar.js';

/**
 * One backup of a center's database into a single file of the backup
 * directory. Every part is read inside one REPEATABLE READ READ ONLY
 * transaction, so the backup is one consistent moment of the database
 * however long it takes, and writers are never blocked. With pg_dump, the
 * transaction exports its snapshot and pg_dump reads the same one.
 */

/** Advisory lock held by a backup's transaction: one backup of a database at a time, across processes. */
export const BACKUP_LOCK: readonly [number, number] = [0x62736d, 1]; // 'bsm', backups

export class BackupBusyError extends Error {
  constructor() {
    super('another backup of this database is running');
    this.name = 'BackupBusyError';
  }
}

export interface BackupOptions {
  centerId: string;
  databaseUrl: string;
  /** The second location; it must exist (a missing mount must not fill the local disk instead). */
  dir: string;
  method: 'auto' | 'pg_dump' | 'builtin';
  pgDumpPath?: string | undefined;
  signal?: AbortSignal | undefined;
  now?: () => Date;
}

export interface BackupResult {
  file: string;
  name: string;
  bytes: number;
  sha256: string;
  method: BackupMethod;
  /** Why the built-in dump was used instead of pg_dump. */
  methodReason: string | null;
  tables: number;
  rows: number;
  startedAt: Date;
  durationMs: number;
}

export async function makeBackup(opts: BackupOptions): Promise<BackupResult> {
  const now = opts.now ?? (() => new Date());
  const startedAt = now();
  const dirStat = await stat(opts.dir).catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      error.code === 'ENOENT'
        ? `backup directory ${opts.dir} does not exist (is the backup disk mounted?)`
        : `backup directory ${opts.dir}: ${error.message}`,
    );
  });
  if (!dirStat.isDirectory()) {
    throw new Error(`backup directory ${opts.dir} is not a directory`);
  }
  const name = backupFileName(opts.centerId, startedAt);
  const file = join(opts.dir, name);
  const partial = join(opts.dir, partialFileName(opts.centerId, startedAt));
  const sidecar = sidecarFileName(file);
  const sidecarPartial = sidecarFileName(partial);

  const client = new pg.Client({ connectionString: opts.databaseUrl, application_name: 'bsm-backup' });
  await client.connect();
  let out: FileHandle | null = null;
  let done = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows: locked } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, $2) AS ok', [
      ...BACKUP_LOCK,
    ]);
    if (!locked[0]?.ok) {
      throw new BackupBusyError();
    }
    const { rows: server } = await client.query<{ version: string; versionNum: number; database: string }>(
      `SELECT current_setting('server_version') AS version,
              current_setting('server_version_num')::int AS "versionNum",
              current_database() AS database`,
    );
    const info = server[0]!;
    const choice = chooseMethod({
      method: opts.method,
      serverVersionNum: info.versionNum,
      pgDump:
        opts.method === 'builtin' ? { missing: 'not looked for' } : await probePgTool(opts.pgDumpPath ?? 'pg_dump'),
      configured: opts.pgDumpPath !== undefined,
    });

    const migrations = await appliedMigrations(client);
    const schema = await tables(client);
    const seqs = await sequences(client);

    out = await open(partial, 'wx', 0o600);
    const tar = new TarWriter(out, startedAt);
    const tableEntries: BackupManifest['tables'] = [];
    let pgDump: BackupManifest['pgDump'] = null;

    if (choice.method === 'builtin') {
      for (const t of schema) {
        const columns = t.columns.map((c) => quoteIdent(c.name)).join(', ');
        const copy = client.query(copyTo(`COPY public.${quoteIdent(t.name)} (${columns}) TO STDOUT`));
        const part = await tar.addStream(tableEntry(t.name), copy, [createGzip()], opts.signal);
        tableEntries.push({ name: t.name, columns: t.columns, rows: copy.rowCount, part });
      }
    } else {
      const { rows: snap } = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
      for (const t of schema) {
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int8 AS n FROM public.${quoteIdent(t.name)}`,
        );
        tableEntries.push({ name: t.name, columns: t.columns, rows: Number(rows[0]?.n ?? 0), part: null });
      }
      const part = await runPgDump(choice.tool, opts.databaseUrl, snap[0]!.id, tar, opts.signal);
      pgDump = { version: choice.tool.version, major: choice.tool.major, part };
    }

    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      method: choice.method,
      center: opts.centerId,
      createdAt: startedAt.toISOString(),
      server: info,
      migrations,
      tables: tableEntries,
      sequences: seqs.map((s) => ({ name: s.name, lastValue: s.lastValue })),
      pgDump,
    };
    await tar.addBuffer(MANIFEST_ENTRY, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
    const bytes = await tar.finish();
    await out.sync();
    await out.close();
    out = null;
    await client.query('COMMIT');

    // The hash of what is on the disk, read back: the sidecar vouches for the file, not for our buffers.
    const sha256 = await sha256Of(createReadStream(partial), opts.signal);
    await writeDurably(sidecarPartial, sidecarContent(sha256, name));
    await rename(sidecarPartial, sidecar);
    await rename(partial, file);
    await syncDir(opts.dir);
    done = true;
    return {
      file,
      name,
      bytes,
      sha256,
      method: choice.method,
      methodReason: choice.method === 'builtin' ? choice.reason : null,
      tables: tableEntries.length,
      rows: tableEntries.reduce((n, t) => n + t.rows, 0),
      startedAt,
      durationMs: now().getTime() - startedAt.getTime(),
    };
  } finally {
    await out?.close().catch(() => undefined);
    if (!done) {
      await rm(partial, { force: true });
      await rm(sidecarPartial, { force: true });
    }
    // Ending the connection ends its transaction; no ROLLBACK, which would wait behind an aborted COPY.
    await endClient(client);
  }
}

/** pg_dump of the exported snapshot, streamed into the tar. */
async function runPgDump(
  tool: PgTool,
  databaseUrl: string,
  snapshot: string,
  tar: TarWriter,
  signal: AbortSignal | undefined,
): Promise<WrittenEntry> {
  const { url, password } = splitPassword(databaseUrl);
  const child = spawn(tool.path, pgDumpArgs({ url, snapshot }), {
    env: pgEnv(password),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = `${stderr}${c.toString('utf8')}`.slice(-4000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  let written: WrittenEntry;
  try {
    written = await tar.addStream(PG_DUMP_ENTRY, child.stdout, [], signal);
  } catch (error) {
    child.kill('SIGTERM');
    await exited.catch(() => undefined);
    throw stderr.trim() === '' ? error : new Error(`${(error as Error).message}; pg_dump said: ${stderr.trim()}`);
  }
  const code = await exited;
  if (code !== 0) {
    throw new Error(`pg_dump failed (exit ${code}): ${stderr.trim() || 'no message'}`);
  }
  return written;
}

async function writeDurably(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600, flag: 'wx' });
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** A rename is durable once the directory itself is synced. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Ends a client, even one stuck in the middle of a COPY that was aborted. */
export async function endClient(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.end().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
        resolve();
      }, 5_000);
    }),
  ]);
  clearTimeout(timer);
}
