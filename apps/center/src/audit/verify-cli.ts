import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { NodeId, type AuditRecord } from '@bsm/protocol';
import { ConfigError, loadConfig } from '@bsm/runtime';
import { CenterConfig } from '../config.js';
import { createDb, type Db } from '../db/database.js';
import { recordOf } from '../repositories/audit.repository.js';
import { readCsv, readNdjson } from './export-format.js';
import { verifyChain, type ChainItem, type ChainReport } from './verify.js';

const USAGE = `usage:
  npm run audit:verify -- --config <center.yaml> [--source <centerId>]
  npm run audit:verify -- --database-url <postgres://…> [--source <centerId>]
  npm run audit:verify -- --file <export.ndjson|export.csv> [--partial]

Recomputes an audit chain and prints a JSON summary. Exit 0: intact; 1: not
intact (the first bad entry is named); 2: wrong usage or unreadable input.
  --source   whose chain: the center's own (default) or the copy of a center below it
  --partial  the file is a filtered export: gaps in seq are expected`;

/** Usage or input problems: exit 2, not "the chain is broken". */
class UsageError extends Error {}

/** A chain stored in a center's database, in seq order, a page at a time. */
async function* storedChain(db: Db, source: string, pageSize = 1000): AsyncGenerator<AuditRecord> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_records')
      .selectAll()
      .where('source', '=', source)
      .where('seq', '>', after)
      .orderBy('seq', 'asc')
      .limit(pageSize)
      .execute();
    for (const row of rows) {
      yield recordOf(row);
    }
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) {
      return;
    }
    after = last.seq;
  }
}

/** The center a database belongs to: the node that is itself (the root of its own tree). */
async function selfOf(db: Db): Promise<string> {
  const self = await db
    .selectFrom('nodes')
    .select('id')
    .where('reported_by', 'is', null)
    .where('kind', '=', 'center')
    .executeTakeFirst();
  if (self) {
    return self.id;
  }
  const owners = await db.selectFrom('audit_events').select('center_id').distinct().execute();
  if (owners.length === 1 && owners[0]) {
    return owners[0].center_id;
  }
  throw new UsageError('cannot tell which center this database belongs to: give --source');
}

async function verifyDatabase(url: string, source: string | undefined, configured?: string): Promise<ChainReport> {
  const db = createDb(url, 1);
  try {
    const self = configured ?? (await selfOf(db));
    const chain = source ?? self;
    // Our own chain: the parent acknowledged it up to its cursor, so fewer entries means the newest were removed.
    const cursor =
      chain === self
        ? await db.selectFrom('audit_cursors').select('acked_seq').where('source', '=', chain).executeTakeFirst()
        : undefined;
    return await verifyChain(chain, storedChain(db, chain), {
      ...(cursor ? { acknowledgedUpTo: cursor.acked_seq } : {}),
    });
  } finally {
    await db.destroy();
  }
}

async function verifyFile(path: string, source: string | undefined, partial: boolean): Promise<ChainReport> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const csv = path.toLowerCase().endsWith('.csv') || /^\uFEFF?source,seq,/.test(text);
  let items: ChainItem[];
  try {
    items = [...(csv ? readCsv(text) : readNdjson(text))];
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const first = items.find((i): i is AuditRecord & { line?: number } => !('unreadable' in i));
  const chain = source ?? first?.source;
  if (!chain) {
    throw new UsageError(`${path} holds no audit entry`);
  }
  return verifyChain(chain, items, { partial });
}

async function main(): Promise<number> {
  let values;
  try {
    values = parseArgs({
      options: {
        config: { type: 'string', short: 'c' },
        'database-url': { type: 'string' },
        file: { type: 'string', short: 'f' },
        source: { type: 'string' },
        partial: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const inputs = [values.config, values['database-url'], values.file].filter((v) => v !== undefined);
  if (inputs.length !== 1) {
    throw new UsageError(`give exactly one of --config, --database-url or --file\n${USAGE}`);
  }
  if (values.source !== undefined && !NodeId.safeParse(values.source).success) {
    throw new UsageError(`--source must be a node id, not "${values.source}"`);
  }
  let report: ChainReport;
  if (values.file !== undefined) {
    report = await verifyFile(values.file, values.source, values.partial ?? false);
  } else if (values.config !== undefined) {
    const config = loadConfig(CenterConfig, { file: values.config, envPrefix: 'BSM_CENTER' });
    report = await verifyDatabase(config.database.url, values.source, config.node.id);
  } else {
    const url = values['database-url'] ?? '';
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new UsageError('--database-url must be a postgres:// URL');
    }
    report = await verifyDatabase(url, values.source);
  }
  console.log(JSON.stringify(report, null, 2));
  const bad = report.firstProblem;
  if (bad) {
    const entry =
      bad.seq === null ? `line ${bad.line ?? '?'}` : `seq ${bad.seq}${bad.id === null ? '' : ` (id ${bad.id})`}`;
    console.error(
      `audit chain of ${report.source} is NOT intact: ${report.problemCount} problem(s); first bad entry ${entry}: ${bad.kind} — ${bad.message}`,
    );
    return 1;
  }
  console.error(`audit chain of ${report.source} is intact: ${report.entries} entries, head ${report.headHash ?? '-'}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(error.message);
      process.exitCode = 2;
      return;
    }
    console.error(`audit:verify failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
