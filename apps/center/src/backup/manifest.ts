import { z } from 'zod';

/**
 * What a backup holds, written as `manifest.json`, the last entry of the
 * backup's tar: the schema's migrations, every table with its columns and
 * row count, the sequences, and the SHA-256 of every part. Restore reads it
 * first and refuses a backup it cannot restore faithfully.
 */

export const MANIFEST_FORMAT = 'bsm-center-backup';
export const MANIFEST_VERSION = 1;
export const MANIFEST_ENTRY = 'manifest.json';
export const PG_DUMP_ENTRY = 'database.pgdump';
export const tableEntry = (table: string): string => `tables/${table}.copy.gz`;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex');

export const BackupPart = z.strictObject({
  /** Name of the tar entry. */
  entry: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  sha256: Sha256,
});
export type BackupPart = z.infer<typeof BackupPart>;

export const BackupMethod = z.enum(['builtin', 'pg_dump']);
export type BackupMethod = z.infer<typeof BackupMethod>;

export const BackupManifest = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(MANIFEST_VERSION),
  /** `builtin`: one COPY part per table; `pg_dump`: one `pg_dump -Fc` archive of the same snapshot. */
  method: BackupMethod,
  center: z.string().min(1),
  createdAt: z.iso.datetime(),
  server: z.strictObject({ version: z.string(), versionNum: z.number().int().positive(), database: z.string() }),
  /** The schema's applied migrations, in order (`kysely_migration`). */
  migrations: z.array(z.string().min(1)).min(1),
  tables: z.array(
    z.strictObject({
      name: z.string().min(1),
      columns: z.array(z.strictObject({ name: z.string().min(1), type: z.string().min(1) })).min(1),
      rows: z.number().int().nonnegative(),
      /** The table's COPY text, gzipped (builtin); null with pg_dump, whose archive holds every table. */
      part: BackupPart.nullable(),
    }),
  ),
  sequences: z.array(
    z.strictObject({
      name: z.string().min(1),
      /** As a decimal string (int8); null when the sequence was never used. */
      lastValue: z
        .string()
        .regex(/^-?\d+$/)
        .nullable(),
    }),
  ),
  /** With method `pg_dump`: the archive and the pg_dump that wrote it. */
  pgDump: z.strictObject({ version: z.string(), major: z.number().int().positive(), part: BackupPart }).nullable(),
});
export type BackupManifest = z.infer<typeof BackupManifest>;

/** Parses and checks a manifest's text; the error says what is wrong in words an operator can act on. */
export function parseManifest(text: string): BackupManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('the manifest is not JSON');
  }
  const head = z.looseObject({ format: z.unknown(), version: z.unknown() }).safeParse(raw);
  if (!head.success || head.data.format !== MANIFEST_FORMAT) {
    throw new Error(`not a center backup (format is not "${MANIFEST_FORMAT}")`);
  }
  if (typeof head.data.version !== 'number' || head.data.version !== MANIFEST_VERSION) {
    throw new Error(
      `backup format version ${String(head.data.version)} is not the one this center reads (${MANIFEST_VERSION}): restore it with the version of the center that made it`,
    );
  }
  const parsed = BackupManifest.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new Error(`the manifest is invalid: ${problems.join('; ')}`);
  }
  const m = parsed.data;
  if ((m.method === 'pg_dump') !== (m.pgDump !== null)) {
    throw new Error('the manifest is invalid: pgDump must be given exactly for method pg_dump');
  }
  if (m.method === 'builtin' && m.tables.some((t) => t.part === null)) {
    throw new Error('the manifest is invalid: a builtin backup has a part for every table');
  }
  return m;
}

/** Every tar entry the manifest names, with its size and hash. */
export function manifestParts(m: BackupManifest): BackupPart[] {
  return [...m.tables.flatMap((t) => (t.part ? [t.part] : [])), ...(m.pgDump ? [m.pgDump.part] : [])];
}

/**
 * A backup can be restored by this code when its migrations are the first
 * ones this code knows, in the same order: the schema is rebuilt up to the
 * backup's last migration, the data loaded, then the newer migrations run.
 * Returns the problem, or null.
 */
export function migrationProblem(backup: readonly string[], known: readonly string[]): string | null {
  for (let i = 0; i < backup.length; i++) {
    if (i >= known.length) {
      return `the backup was made by a newer center: migrations ${backup.slice(i).join(', ')} are unknown to this one; restore it with that version`;
    }
    if (backup[i] !== known[i]) {
      return `the backup's migration #${i + 1} is ${backup[i]}, where this center has ${known[i]}: restore it with the version of the center that made it`;
    }
  }
  return null;
}

/**
 * Tables in an order in which every table comes after the tables it
 * references (foreign keys), so rows load with the keys checked. Ties are
 * broken by name, so the order is stable. A cycle is refused.
 */
export function loadOrder(
  tables: readonly string[],
  references: readonly { table: string; references: string }[],
): string[] {
  const pending = new Set(tables);
  const needs = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const r of references) {
    if (r.table !== r.references && pending.has(r.table) && pending.has(r.references)) {
      needs.get(r.table)?.add(r.references);
    }
  }
  const order: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending].filter((t) => [...(needs.get(t) ?? [])].every((n) => !pending.has(n))).sort();
    if (ready.length === 0) {
      throw new Error(`foreign keys form a cycle between ${[...pending].sort().join(', ')}`);
    }
    for (const t of ready) {
      pending.delete(t);
      order.push(t);
    }
  }
  return order;
}
