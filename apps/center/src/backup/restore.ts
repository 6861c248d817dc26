import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createDb, MIGRATION_NAMES, migrateToLatest, migrator, type Db } from '../db/database.js';
import {
  dropPublicObjects,
  foreignKeys,
  insertTriggers,
  otherSessions,
  quoteIdent,
  sequences,
  tables,
  userObjects,
} from './catalog.js';
import { endClient } from './dump.js';
import { parseSidecar, sidecarFileName } from './files.js';
import { presenceName } from './presence.js';
import {
  loadOrder,
  MANIFEST_ENTRY,
  manifestParts,
  migrationProblem,
  parseManifest,
  type BackupManifest,
  type BackupMethod,
} from './manifest.js';
import { pgEnv, pgRestoreArgs, pgRestoreCandidate, probePgTool, splitPassword } from './pg-tools.js';
import { entryStream, readTarIndex, sha256Of, type TarEntry } from './tar.js';

/**
 * Checking a backup file, and restoring one into an empty database.
 *
 * A built-in backup is restored by this code: the schema is rebuilt by the
 * migrations up to the backup's last one, the rows are loaded with COPY in
 * foreign-key order (triggers that fire on INSERT disabled meanwhile, so
 * rows go in exactly as they were and a hash-chain or stamping trigger does
 * not recompute them; an append-only trigger on UPDATE/DELETE/TRUNCATE is
 * left alone, as no row is ever updated or deleted), sequences are set past
 * every restored value, and the newer migrations of this code run last. A
 * pg_dump backup goes through pg_restore, then the same newer migrations.
 */

/** The file is not what its sidecar or its manifest says: a damaged copy. */
export class BackupCorruptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupCorruptError';
  }
}

export interface VerifiedBackup {
  file: string;
  manifest: BackupManifest;
  entries: Map<string, TarEntry>;
  /** `missing`: no sidecar beside the file; the manifest's hashes of every part were still checked. */
  sidecar: 'ok' | 'missing';
  sha256: string;
  bytes: number;
}

const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
const PRESENCE_PREFIX = presenceName('');

/** Checks a backup file end to end without touching any database: sidecar, tar structure, manifest, every part's hash. */
export async function verifyBackup(file: string, signal?: AbortSignal): Promise<VerifiedBackup> {
  const st = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new Error(error.code === 'ENOENT' ? `${file} does not exist` : `${file}: ${error.message}`);
  });
  if (!st.isFile()) {
    throw new Error(`${file} is not a file`);
  }
  const sha256 = await sha256Of(createReadStream(file), signal);
  let sidecar: VerifiedBackup['sidecar'] = 'missing';
  const sidecarText = await readFile(sidecarFileName(file), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      return null;
    }
    throw error;
  });
  if (sidecarText !== null) {
    const expected = parseSidecar(sidecarText).sha256;
    if (expected !== sha256) {
      throw new BackupCorruptError(
        `${file} is damaged: its SHA-256 is ${sha256}, ${basename(sidecarFileName(file))} says ${expected}; take another copy`,
      );
    }
    sidecar = 'ok';
  }

  const fh = await open(file, 'r');
  let entries: TarEntry[];
  let manifestText: string;
  try {
    try {
      entries = await readTarIndex(fh);
    } catch (error) {
      throw new BackupCorruptError(`${file} is damaged or not a backup: ${(error as Error).message}`);
    }
    const m = entries.find((e) => e.name === MANIFEST_ENTRY);
    if (!m) {
      throw new BackupCorruptError(`${file} has no ${MANIFEST_ENTRY}: not a complete backup`);
    }
    if (m.size > MAX_MANIFEST_BYTES) {
      throw new BackupCorruptError(`${file}: ${MANIFEST_ENTRY} of ${m.size} bytes is not a manifest`);
    }
    const buf = Buffer.alloc(m.size);
    await fh.read(buf, 0, m.size, m.offset);
    manifestText = buf.toString('utf8');
  } finally {
    await fh.close();
  }
  let manifest: BackupManifest;
  try {
    manifest = parseManifest(manifestText);
  } catch (error) {
    throw new BackupCorruptError(`${file}: ${(error as Error).message}`);
  }
  const byName = new Map(entries.map((e) => [e.name, e]));
  for (const part of manifestParts(manifest)) {
    const entry = byName.get(part.entry);
    if (!entry) {
      throw new BackupCorruptError(`${file} is damaged: part ${part.entry} is missing`);
    }
    if (entry.size !== part.bytes || (await sha256Of(entryStream(file, entry), signal)) !== part.sha256) {
      throw new BackupCorruptError(`${file} is damaged: part ${part.entry} is not what the manifest says`);
    }
  }
  return { file, manifest, entries: byName, sidecar, sha256, bytes: st.size };
}

export interface RestoreOptions {
  from: string;
  databaseUrl: string;
  /** Drop everything in the database's public schema first. Still refused while anyone else is connected. */
  force?: boolean;
  pgDumpPath?: string | undefined;
  pgRestorePath?: string | undefined;
  /** Progress lines for the operator. */
  log?: (line: string) => void;
}

export interface RestoreResult {
  method: BackupMethod;
  manifest: BackupManifest;
  sidecar: 'ok' | 'missing';
  tables: number;
  rows: number;
  /** Migrations of this code that the backup did not have, run after the load. */
  newerMigrations: string[];
  durationMs: number;
}

export async function restoreBackup(opts: RestoreOptions): Promise<RestoreResult> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const backup = await verifyBackup(opts.from);
  const { manifest } = backup;
  log(
    `${basename(opts.from)}: ${manifest.method} backup of ${manifest.center} taken ${manifest.createdAt}, ` +
      `${manifest.tables.length} tables, ${manifest.tables.reduce((n, t) => n + t.rows, 0)} rows; ` +
      (backup.sidecar === 'ok' ? 'SHA-256 matches its sidecar' : 'no .sha256 sidecar beside it: parts checked only'),
  );

  const pgRestore =
    manifest.method === 'pg_dump' ? await findPgRestore(manifest, opts.pgRestorePath, opts.pgDumpPath) : null;

  const problem = migrationProblem(manifest.migrations, MIGRATION_NAMES);
  if (problem) {
    throw new Error(problem);
  }

  const client = new pg.Client({ connectionString: opts.databaseUrl, application_name: 'bsm-restore' });
  await client.connect();
  let db: Db | null = null;
  try {
    await prepareTarget(client, opts.force === true, log);
    db = createDb(opts.databaseUrl, 1);

    if (pgRestore) {
      log(`pg_restore (${pgRestore.version}) into the empty database`);
      await runPgRestore(pgRestore.path, opts.databaseUrl, opts.from, backup.entries.get(manifest.pgDump!.part.entry)!);
    } else {
      const last = manifest.migrations[manifest.migrations.length - 1]!;
      const { error } = await migrator(db).migrateTo(last);
      if (error) {
        throw new Error(`rebuilding the schema up to ${last} failed: ${(error as Error).message}`);
      }
      log(`schema rebuilt up to ${last}`);
      await loadRows(client, backup);
    }
    // The backup's own rows first; the newer migrations may then add, move or drop some.
    await checkCounts(client, manifest);
    const newerMigrations = await migrateToLatest(db);
    if (newerMigrations.length > 0) {
      log(`newer migrations applied: ${newerMigrations.join(', ')}`);
    }
    await client.query('ANALYZE');
    return {
      method: manifest.method,
      manifest,
      sidecar: backup.sidecar,
      tables: manifest.tables.length,
      rows: manifest.tables.reduce((n, t) => n + t.rows, 0),
      newerMigrations,
      durationMs: Date.now() - started,
    };
  } finally {
    await db?.destroy();
    await endClient(client);
  }
}

/** Refuses a database someone is using, and one that is not empty unless forced. */
async function prepareTarget(client: pg.Client, force: boolean, log: (line: string) => void): Promise<void> {
  const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
  const db = rows[0]?.db ?? '?';
  const others = await otherSessions(client);
  if (others.length > 0) {
    const centers = [
      ...new Set(others.flatMap((s) => (s.application?.startsWith(PRESENCE_PREFIX) ? [s.application] : []))),
    ].map((a) => a.slice(PRESENCE_PREFIX.length));
    const who = others.map((s) => `pid ${s.pid} ${s.user ?? '?'}${s.application ? ` (${s.application})` : ''}`);
    throw new Error(
      (centers.length > 0 ? `center ${centers.join(', ')} is running on database ${db}. ` : '') +
        `${others.length} other session(s) are connected to database ${db}: ${who.join(', ')}. ` +
        'Stop the center and anything else using this database before restoring into it (--force does not override this).',
    );
  }
  const objects = await userObjects(client);
  if (objects.length === 0) {
    return;
  }
  const listed = objects
    .slice(0, 8)
    .map((o) => `${o.kind} ${o.schema}.${o.name}`)
    .join(', ');
  const more = objects.length > 8 ? ` and ${objects.length - 8} more` : '';
  if (!force) {
    throw new Error(
      `database ${db} is not empty (${listed}${more}). Restore into an empty database (createdb), ` +
        'or add --force to drop everything in its public schema first.',
    );
  }
  const foreign = objects.filter((o) => o.schema !== 'public');
  if (foreign.length > 0) {
    throw new Error(
      `--force drops only the public schema, and database ${db} also holds ${foreign
        .slice(0, 8)
        .map((o) => `${o.kind} ${o.schema}.${o.name}`)
        .join(', ')}: drop those by hand first`,
    );
  }
  log(`--force: dropping ${objects.length} objects of database ${db} (${listed}${more})`);
  await client.query('BEGIN');
  try {
    await dropPublicObjects(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * The rows of a built-in backup into the freshly migrated schema, in one
 * transaction. Exported for the test of trigger handling; `restoreBackup`
 * is the way in.
 */
export async function loadRows(client: pg.Client, backup: VerifiedBackup): Promise<void> {
  const { manifest } = backup;
  await client.query('BEGIN');
  try {
    const target = new Map((await tables(client)).map((t) => [t.name, t]));
    for (const t of manifest.tables) {
      const here = target.get(t.name);
      const describe = (cols: { name: string; type: string }[]): string =>
        cols.map((c) => `${c.name} ${c.type}`).join(', ');
      if (!here) {
        throw new Error(`table ${t.name} of the backup is not in the schema the migrations make`);
      }
      if (describe(here.columns) !== describe(t.columns)) {
        throw new Error(
          `table ${t.name} differs from the backup's: here (${describe(here.columns)}), in the backup (${describe(t.columns)})`,
        );
      }
    }
    const extra = [...target.keys()].filter((name) => !manifest.tables.some((t) => t.name === name));
    if (extra.length > 0) {
      throw new Error(`the migrations make tables the backup does not have: ${extra.join(', ')}`);
    }
    const fks = await foreignKeys(client);
    const order = loadOrder([...target.keys()], fks);

    // Migrations seed some tables (the roles): clear them, with every table referencing them, so the
    // backup's rows are the only rows. TRUNCATE, not DELETE: no row-level trigger is involved.
    const seeded = new Set<string>();
    for (const name of order) {
      const { rows } = await client.query<{ any: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM public.${quoteIdent(name)}) AS any`,
      );
      if (rows[0]?.any) {
        seeded.add(name);
      }
    }
    for (let grew = true; grew;) {
      grew = false;
      for (const fk of fks) {
        if (seeded.has(fk.references) && !seeded.has(fk.table)) {
          seeded.add(fk.table);
          grew = true;
        }
      }
    }
    if (seeded.size > 0) {
      await client.query(`TRUNCATE ${[...seeded].map((t) => `public.${quoteIdent(t)}`).join(', ')}`);
    }

    const triggers = await insertTriggers(client);
    for (const t of triggers) {
      await client.query(`ALTER TABLE public.${quoteIdent(t.table)} DISABLE TRIGGER ${quoteIdent(t.name)}`);
    }
    const byName = new Map(manifest.tables.map((t) => [t.name, t]));
    for (const name of order) {
      const t = byName.get(name)!;
      const entry = backup.entries.get(t.part!.entry)!;
      const columns = t.columns.map((c) => quoteIdent(c.name)).join(', ');
      const copy = client.query(copyFrom(`COPY public.${quoteIdent(name)} (${columns}) FROM STDIN`));
      await pipeline(entryStream(backup.file, entry), createGunzip(), copy);
      if (copy.rowCount !== t.rows) {
        throw new Error(`table ${name}: loaded ${copy.rowCount} rows, the backup has ${t.rows}`);
      }
    }
    for (const t of triggers) {
      await client.query(`ALTER TABLE public.${quoteIdent(t.table)} ENABLE TRIGGER ${quoteIdent(t.name)}`);
    }

    // Sequences past both what they had reached and every value restored, so new rows never collide.
    const dumped = new Map(manifest.sequences.map((s) => [s.name, s.lastValue]));
    for (const s of await sequences(client)) {
      let value = dumped.get(s.name) ?? null;
      if (s.table && s.column) {
        const { rows } = await client.query<{ max: string | null }>(
          `SELECT max(${quoteIdent(s.column)})::text AS max FROM public.${quoteIdent(s.table)}`,
        );
        const max = rows[0]?.max ?? null;
        if (max !== null && (value === null || BigInt(max) > BigInt(value))) {
          value = max;
        }
      }
      if (value !== null) {
        await client.query('SELECT setval($1::regclass, $2::bigint, true)', [`public.${quoteIdent(s.name)}`, value]);
      }
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** After the load: every table holds as many rows as the backup says. */
async function checkCounts(client: pg.Client, manifest: BackupManifest): Promise<void> {
  for (const t of manifest.tables) {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM public.${quoteIdent(t.name)}`);
    if (Number(rows[0]?.n) !== t.rows) {
      throw new Error(`table ${t.name} holds ${rows[0]?.n} rows after the restore, the backup has ${t.rows}`);
    }
  }
}

async function findPgRestore(
  manifest: BackupManifest,
  pgRestorePath: string | undefined,
  pgDumpPath: string | undefined,
): Promise<{ path: string; version: string }> {
  const need = manifest.pgDump!.major;
  const tool = await probePgTool(pgRestoreCandidate({ pgRestorePath, pgDumpPath }));
  if ('missing' in tool) {
    throw new Error(
      `this backup was made by pg_dump ${manifest.pgDump!.version}: restoring it needs pg_restore ${need} or newer (${tool.missing}; set backup.pgRestorePath)`,
    );
  }
  if (tool.major < need) {
    throw new Error(
      `this backup was made by pg_dump ${manifest.pgDump!.version}: ${tool.path} is version ${tool.version}, it needs ${need} or newer`,
    );
  }
  return tool;
}

async function runPgRestore(path: string, databaseUrl: string, file: string, entry: TarEntry): Promise<void> {
  const { url, password } = splitPassword(databaseUrl);
  const child = spawn(path, pgRestoreArgs({ url }), { env: pgEnv(password), stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = `${stderr}${c.toString('utf8')}`.slice(-4000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  const fed = pipeline(entryStream(file, entry), child.stdin).catch((error: Error) => error);
  const code = await exited;
  const feedError = await fed;
  if (code !== 0) {
    throw new Error(`pg_restore failed (exit ${code}): ${stderr.trim() || 'no message'}`);
  }
  if (feedError) {
    throw new Error(`feeding pg_restore failed: ${feedError.message}`);
  }
}
