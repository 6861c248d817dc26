import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { newAlarmId, type Alarm, type AlarmEvent, type Catalog } from '@bsm/protocol';
import { sql } from 'kysely';
import pg from 'pg';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../../../../test/support/postgres.js';
import { waitFor } from '../../../../test/support/wait.js';
import type { BackupConfig } from '../config.js';
import { createDb, MIGRATION_NAMES, migrateToLatest, migrator } from '../db/database.js';
import { AlarmEventRepository } from '../repositories/alarm-event.repository.js';
import { AlarmRepository } from '../repositories/alarm.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { NodeRepository } from '../repositories/node.repository.js';
import { UserRepository } from '../repositories/user.repository.js';
import { BACKUP_LOCK, BackupBusyError, makeBackup } from './dump.js';
import { probePgTool, serverMajor } from './pg-tools.js';
import { CenterPresence } from './presence.js';
import { BackupCorruptError, loadRows, restoreBackup, verifyBackup } from './restore.js';
import { BackupScheduler, backupOnce } from './scheduler.js';
import { listBackups } from './store.js';
import { readTarIndex } from './tar.js';
import { MANIFEST_ENTRY, tableEntry } from './manifest.js';
import { createLogger } from '@bsm/runtime';
import type { HealthResponse } from '@bsm/protocol';
import { startCenter } from '../app.js';
import { CenterConfig } from '../config.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CENTER_MAIN = join(ROOT, 'apps/center/src/main.ts');
const CENTER = 'fz';
const BRANCH = 'fz-gulou';
/** The system server CI has (Debian's PostgreSQL 15 with its pg_dump), unless TEST_PG_URL names another. */
const SYSTEM_PG = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const log = createLogger('backup-test');
log.level = 'silent';

const backupConfig = (dir: string, over: Partial<BackupConfig> = {}): BackupConfig => ({
  enabled: true,
  dir,
  intervalMinutes: 60,
  keep: 48,
  method: 'auto',
  ...over,
});

const catalog = (): Catalog => ({
  publisher: BRANCH,
  mode: 'full',
  revision: 3,
  at: '2026-12-01T08:00:00.000Z',
  nodes: [
    {
      id: BRANCH,
      parentId: null,
      kind: 'branch',
      name: '鼓楼支行营业部',
      lat: 26.0812345678901,
      lon: 119.29,
      address: '五四路\t"88号"\\东',
      importance: 3,
    },
  ],
  devices: [{ id: `${BRANCH}.nvr1`, nodeId: BRANCH, kind: 'nvr', name: '录像机', vendor: 'Hik', model: 'DS-7608' }],
  cameras: [
    {
      id: `${BRANCH}.cam1`,
      nodeId: BRANCH,
      deviceId: `${BRANCH}.nvr1`,
      name: '现金柜台',
      ptz: true,
      important: true,
      streams: [{ profile: 'main', codec: 'h264', width: 1920, height: 1080, fps: 25, kbps: 4096 }],
    },
  ],
  alarmInputs: [
    {
      id: `${BRANCH}.in1`,
      nodeId: BRANCH,
      name: '柜台紧急按钮',
      zone: '01',
      type: 'panic',
      linkedCameras: [`${BRANCH}.cam1`],
    },
  ],
  states: [{ nodeId: BRANCH, state: 'online', since: '2026-12-01T08:00:00.000Z' }],
});

let seq = 0;
const alarm = (over: Partial<Alarm> = {}): Alarm => ({
  id: newAlarmId(),
  origin: BRANCH,
  seq: ++seq,
  path: [BRANCH],
  type: 'panic',
  priority: 1,
  zone: '01',
  inputId: `${BRANCH}.in1`,
  linkedCameras: [`${BRANCH}.cam1`],
  occurredAt: new Date().toISOString(),
  source: 'panic-button',
  ...over,
});

const event = (alarmId: string, note: string): AlarmEvent => ({
  id: ulid(),
  alarmId,
  origin: BRANCH,
  at: new Date().toISOString(),
  node: CENTER,
  by: 'system',
  action: 'note',
  note,
});

/** A center database with real data in every table, through the repositories, with text COPY must carry exactly. */
async function seed(url: string): Promise<{ alarmIds: string[] }> {
  const db = createDb(url, 2);
  try {
    await migrateToLatest(db);
    const nodes = new NodeRepository(db);
    await nodes.upsertSelf({
      id: CENTER,
      parentId: null,
      kind: 'center',
      tier: 2,
      name: '福州分行安防监控中心',
      lat: 26.08,
      lon: 119.306,
      importance: 1,
    });
    const applied = await nodes.applyCatalog(CENTER, catalog());
    expect(applied.applied).toBe(true);
    await nodes.recordHealth(BRANCH, {
      at: '2026-12-01T08:00:01.123456Z',
      uptimeSec: 1234.5,
      outboxPending: 0,
      devices: [{ id: `${BRANCH}.nvr1`, ok: true, note: 'line1\nline2' }],
    });

    const alarms = new AlarmRepository(db);
    const batch = Array.from({ length: 30 }, (_, i) =>
      alarm({ text: i % 3 === 0 ? `第${i}次 \\N tab\there\r\nnewline` : undefined, priority: (i % 4) + 1 }),
    );
    await alarms.storeBatch(
      batch.map((a) => ({
        alarm: a,
        receivedVia: BRANCH,
        receivedAt: new Date(),
        responsible: true,
        deadlineAt: new Date(Date.now() + 60_000),
      })),
      true,
    );
    // The parent acknowledged the first ten: the outbox sequence is now ahead of the rows left.
    await alarms.ackedByParent(batch.slice(0, 10).map((a) => a.id));

    const events = new AlarmEventRepository(db);
    for (const a of batch.slice(0, 10)) {
      await events.insert([event(a.id, '已核实'), event(a.id, 'quote " backslash \\ done')], null);
    }
    await events.advanceCursor('parent', 7);
    await events.advanceCursor(`child:qz`, 3);

    const users = new UserRepository(db);
    for (const [username, role] of [
      ['fz-op', 'operator'],
      ['fz-secadmin', 'security_admin'],
      ['fz-auditor', 'auditor'],
    ] as const) {
      await users.createIfMissing({
        username,
        displayName: `${username} 用户`,
        passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
        role,
        jurisdiction: CENTER,
      });
    }
    const op = await users.findByUsername('fz-op');
    await users.createSession({
      tokenHash: 'a'.repeat(64),
      userId: op!.id,
      expiresAt: new Date(Date.now() + 3600_000),
      ip: '10.1.2.3',
    });
    await db
      .updateTable('users')
      .set({ permissions: ['login', 'live'], allowed_ips: ['10.0.0.0/8'] })
      .where('username', '=', 'fz-op')
      .execute();

    const audit = new AuditRepository(db, CENTER);
    for (let i = 0; i < 50; i++) {
      await audit.append({
        actor: i % 2 ? 'fz-op' : null,
        action: i % 5 ? 'login' : 'camera.watch',
        target: i % 5 ? null : `${BRANCH}.cam1`,
        outcome: i % 7 ? 'success' : 'failure',
        ip: '10.1.2.3',
        detail: { i, emoji: '🚨', nested: { a: [1, 2.5, null], s: 'tab\tnl\n' } },
      });
    }
    await sql`INSERT INTO catalog_sources (publisher, revision, received_at) VALUES ('qz', 9, now())
              ON CONFLICT (publisher) DO NOTHING`.execute(db);
    return { alarmIds: batch.map((a) => a.id) };
  } finally {
    await db.destroy();
  }
}

/** Every row of every table (as PostgreSQL prints it, in UTC), and every sequence: what "the same data" means. */
async function contents(
  url: string,
): Promise<{ tables: Record<string, string[]>; sequences: Record<string, unknown> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET TimeZone = 'UTC'`);
    const { rows: names } = await client.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    );
    const tables: Record<string, string[]> = {};
    for (const { name } of names) {
      const column = name === 'kysely_migration' ? 'name' : `t::text`;
      const { rows } = await client.query<{ r: string }>(`SELECT ${column} AS r FROM public."${name}" t ORDER BY 1`);
      tables[name] = rows.map((r) => r.r);
    }
    const { rows: seqs } = await client.query<{ name: string; last: string | null }>(
      `SELECT sequencename AS name, last_value::text AS last FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1`,
    );
    return { tables, sequences: Object.fromEntries(seqs.map((s) => [s.name, s.last])) };
  } finally {
    await client.end();
  }
}

/** After a restore, the center goes on: new rows of every kind go in without colliding with restored ones. */
async function writesGoOn(url: string): Promise<void> {
  const db = createDb(url, 2);
  try {
    const before = await sql<{
      audit: string;
      events: string;
      outbox: string;
      users: string;
    }>`SELECT (SELECT max(id) FROM audit_events)::text AS audit, (SELECT max(position) FROM alarm_events)::text AS events,
              (SELECT last_value FROM alarm_outbox_position_seq)::text AS outbox, (SELECT max(id) FROM users)::text AS users`.execute(
      db,
    );
    await new AuditRepository(db, CENTER).append({ actor: 'fz-op', action: 'login', outcome: 'success' });
    const [fresh] = await new AlarmEventRepository(db).insert([event('x', 'after restore')], null);
    expect(fresh).toBeDefined();
    const stored = await new AlarmRepository(db).storeBatch(
      [{ alarm: alarm(), receivedVia: BRANCH, receivedAt: new Date() }],
      true,
    );
    expect(
      await new UserRepository(db).createIfMissing({
        username: 'fz-new',
        displayName: 'new',
        passwordHash: 'x',
        role: 'operator',
        jurisdiction: CENTER,
      }),
    ).toBe(true);
    const after = await sql<{
      audit: string;
      events: string;
      users: string;
    }>`SELECT (SELECT max(id) FROM audit_events)::text AS audit, (SELECT max(position) FROM alarm_events)::text AS events,
              (SELECT max(id) FROM users)::text AS users`.execute(db);
    const b = before.rows[0]!;
    const a = after.rows[0]!;
    expect(BigInt(a.audit)).toBe(BigInt(b.audit) + 1n);
    expect(BigInt(a.events)).toBe(BigInt(b.events) + 1n);
    expect(BigInt(a.users)).toBe(BigInt(b.users) + 1n);
    // The outbox continues after what the source had reached, not after the rows left in it.
    expect(BigInt([...stored.values()][0]!)).toBe(BigInt(b.outbox) + 1n);
  } finally {
    await db.destroy();
  }
}

async function tableCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`,
    );
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

describe('built-in backups on the embedded PostgreSQL (no pg_dump for it)', () => {
  let pgs: TestPostgres;
  let source: string;
  let dir: string;

  beforeAll(async () => {
    pgs = await startTestPostgres({ embedded: true });
    source = await pgs.freshDatabase('bsm_src');
    await seed(source);
    dir = mkdtempSync(join(tmpdir(), 'bsm-backups-'));
  });

  afterAll(async () => {
    await pgs?.stop();
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('backs up, restores into an empty database the same data, and the center can go on writing', async () => {
    const r = await backupOnce({ centerId: CENTER, databaseUrl: source, config: backupConfig(dir) });
    // The embedded server is newer than any pg_dump on this machine: auto falls back to the built-in dump.
    expect(r.method).toBe('builtin');
    expect(r.methodReason).toMatch(/older than the server|not found/);
    expect(basename(r.file)).toMatch(/^bsm-fz-\d{8}T\d{9}Z\.bsmbackup$/);
    expect(r.tables).toBeGreaterThanOrEqual(14);
    expect(r.rows).toBeGreaterThan(100);
    // Standard tools check and read it: sha256sum with the sidecar, tar for the contents.
    execFileSync('sha256sum', ['--check', '--quiet', `${basename(r.file)}.sha256`], { cwd: dir });
    const listing = execFileSync('tar', ['-tf', r.file], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toContain(tableEntry('audit_events'));
    expect(listing.at(-1)).toBe(MANIFEST_ENTRY);
    expect(readdirSync(dir).filter((n) => n.endsWith('.partial'))).toEqual([]);

    const target = await pgs.freshDatabase('bsm_restored');
    const lines: string[] = [];
    const restored = await restoreBackup({ from: r.file, databaseUrl: target, log: (l) => lines.push(l) });
    expect(restored).toMatchObject({ method: 'builtin', sidecar: 'ok', tables: r.tables, rows: r.rows });
    expect(restored.newerMigrations).toEqual([]);
    expect(lines.join('\n')).toMatch(/SHA-256 matches its sidecar/);

    const [want, got] = [await contents(source), await contents(target)];
    expect(Object.keys(got.tables)).toEqual(Object.keys(want.tables));
    for (const table of Object.keys(want.tables)) {
      expect(got.tables[table], table).toEqual(want.tables[table]);
    }
    expect(want.tables.audit_events).toHaveLength(50);
    expect(got.sequences).toEqual(want.sequences);
    await writesGoOn(target);
  });

  it('loads rows past a trigger that rewrites inserts, never touching append-only ones (nothing is updated or deleted)', async () => {
    const r = await makeBackup({ centerId: CENTER, databaseUrl: source, dir, method: 'builtin' });
    const backup = await verifyBackup(r.file);
    const target = await pgs.freshDatabase('bsm_triggers');
    const db = createDb(target, 1);
    await migrateToLatest(db);
    await db.destroy();
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      // The audit trail's own append-only triggers (from its migration), one of them switched off on purpose,
      // and a trigger that would rewrite rows on insert.
      await client.query(`
        CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN NEW.detail := '{"rewritten": true}'; RETURN NEW; END $$;
        CREATE TRIGGER audit_stamp BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION stamp();
      `);
      await client.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_truncate`); // disabled on purpose
      await loadRows(client, backup);
      // Only the INSERT trigger was switched off for the load; the append-only ones were never touched.
      const { rows: states } = await client.query<{ name: string; enabled: string }>(
        `SELECT tgname AS name, tgenabled AS enabled FROM pg_trigger
          WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal ORDER BY 1`,
      );
      expect(states).toEqual([
        { name: 'audit_events_append_only', enabled: 'O' },
        { name: 'audit_events_no_truncate', enabled: 'D' }, // stays as it was
        { name: 'audit_stamp', enabled: 'O' },
      ]);
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE detail ? 'rewritten'`,
      );
      expect(rows[0]!.n).toBe(0);
      // The triggers are back on afterwards.
      await expect(client.query('DELETE FROM audit_events')).rejects.toThrow(
        /append-only: DELETE on audit_events refused/,
      );
    } finally {
      await client.end();
    }
    const appendDb = createDb(target, 1);
    try {
      await new AuditRepository(appendDb, CENTER).append({ actor: null, action: 'x', outcome: 'success' });
      const stamped = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM audit_events WHERE detail ? 'rewritten'`.execute(appendDb);
      expect(stamped.rows[0]!.n).toBe(1);
    } finally {
      await appendDb.destroy();
    }
    const [want, got] = [await contents(source), await contents(target)];
    expect(got.tables.audit_events).toHaveLength(want.tables.audit_events!.length + 1);
    expect(got.tables.alarms).toEqual(want.tables.alarms);
  });

  it("restores a backup of an older center's schema, then runs the newer migrations on it", async () => {
    const older = '20261122T1030_alarm_subject';
    const old = await pgs.freshDatabase('bsm_old');
    const db = createDb(old, 1);
    const { error } = await migrator(db).migrateTo(older);
    expect(error).toBeUndefined();
    await sql`INSERT INTO users (username, display_name, password_hash, role, jurisdiction)
              VALUES ('fz-op', '值班员', 'x', 'operator', 'fz')`.execute(db);
    // The schema of that time: the center's own node, and an audit row as it was written then, before the hash chain.
    await sql`INSERT INTO nodes (id, kind, tier, name, lat, lon, importance, path)
              VALUES ('fz', 'center', 2, '福州分行安防监控中心', 26.08, 119.3, 1, ARRAY['fz'])`.execute(db);
    await sql`INSERT INTO audit_events (actor, action, outcome) VALUES ('fz-op', 'login', 'success')`.execute(db);
    await db.destroy();
    const r = await makeBackup({ centerId: CENTER, databaseUrl: old, dir, method: 'builtin' });
    expect((await verifyBackup(r.file)).manifest.migrations.at(-1)).toBe(older);

    const target = await pgs.freshDatabase('bsm_old_restored');
    const restored = await restoreBackup({ from: r.file, databaseUrl: target });
    expect(restored.newerMigrations).toEqual(MIGRATION_NAMES.slice(MIGRATION_NAMES.indexOf(older) + 1));
    const got = await contents(target);
    expect(got.tables.kysely_migration).toEqual([...MIGRATION_NAMES]);
    expect(got.tables.users).toHaveLength(1);
    expect(got.tables.audit_events).toHaveLength(1);
    expect(got.tables.roles!.some((r) => r.startsWith('(auditor,'))).toBe(true); // a newer migration's role
  });

  it('the backup, verify-backup and restore commands do it from the command line, and leave it in the audit trail', async () => {
    const own = mkdtempSync(join(tmpdir(), 'bsm-cli-'));
    const configFile = join(own, 'center.yaml');
    writeFileSync(
      configFile,
      [
        'node: { id: fz, name: 福州分行安防监控中心, tier: 2, lat: 26.08, lon: 119.3 }',
        'http: { tls: { certFile: /etc/bsm/tls/center.crt, keyFile: /etc/bsm/tls/center.key } }',
        `database: { url: "${source}" }`,
        'broker: { embedded: { credentialsFile: /nonexistent } }',
        `backup: { dir: "${own}", keep: 5 }`,
      ].join('\n'),
    );
    const center = (...args: string[]): { stdout: string; stderr: string; status: number | null } => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', CENTER_MAIN, ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, LOG_LEVEL: 'silent' },
      });
      return { stdout: r.stdout, stderr: r.stderr, status: r.status };
    };

    const backup = center('backup', '--config', configFile);
    expect(backup.status, backup.stderr).toBe(0);
    const file = backup.stdout.trim();
    expect(file).toMatch(new RegExp(`^${own}/bsm-fz-\\d{8}T\\d{9}Z\\.bsmbackup$`));
    expect(backup.stderr).toMatch(/^builtin backup: \d+ tables, \d+ rows, \d+ bytes in \d+ ms/);

    const verify = center('verify-backup', '--from', file);
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/: good — builtin backup of fz taken .* matches its sidecar/);

    const target = await pgs.freshDatabase('bsm_cli');
    const restore = center('restore', '--config', configFile, '--from', file, '--database-url', target);
    expect(restore.status, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/^restored \d+ tables, \d+ rows \(builtin\) into postgres:\/\/.*bsm_cli_/);
    const again = center('restore', '--config', configFile, '--from', file, '--database-url', target);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/is not empty .*add --force/);

    const [want, got] = [await contents(source), await contents(target)];
    // The source recorded the backup (after taking it), the restored database the restore; the rest is the same.
    const without = (rows: string[], action: string): string[] => rows.filter((r) => !r.includes(`,${action},`));
    expect(want.tables.audit_events!.filter((r) => r.includes(',system.backup,'))).toHaveLength(1);
    expect(without(got.tables.audit_events!, 'system.restore')).toEqual(
      without(want.tables.audit_events!, 'system.backup'),
    );
    const db = createDb(target, 1);
    const restoreEntry = await db
      .selectFrom('audit_events')
      .select(['target', 'outcome', 'detail'])
      .where('action', '=', 'system.restore')
      .executeTakeFirstOrThrow();
    await db.destroy();
    expect(restoreEntry).toMatchObject({
      target: basename(file),
      outcome: 'success',
      detail: { center: 'fz', method: 'builtin', via: 'command', force: false },
    });
    for (const table of Object.keys(want.tables).filter((t) => t !== 'audit_events')) {
      expect(got.tables[table], table).toEqual(want.tables[table]);
    }
    rmSync(own, { recursive: true, force: true });
  });

  it('refuses a damaged copy before touching the database', async () => {
    const r = await makeBackup({ centerId: CENTER, databaseUrl: source, dir, method: 'builtin' });
    const copies = mkdtempSync(join(tmpdir(), 'bsm-copies-'));
    const copy = join(copies, r.name);
    copyFileSync(r.file, copy);
    copyFileSync(`${r.file}.sha256`, `${copy}.sha256`);
    const fh = await open(copy, 'r');
    const audit = (await readTarIndex(fh)).find((e) => e.name === tableEntry('audit_events'))!;
    await fh.close();
    const bytes = readFileSync(copy);
    bytes[audit.offset + 20] = (bytes[audit.offset + 20]! + 1) % 256;
    writeFileSync(copy, bytes);
    const target = await pgs.freshDatabase('bsm_corrupt');

    await expect(restoreBackup({ from: copy, databaseUrl: target })).rejects.toThrow(BackupCorruptError);
    await expect(restoreBackup({ from: copy, databaseUrl: target })).rejects.toThrow(
      /is damaged: its SHA-256 is [0-9a-f]{64}, .*\.sha256 says [0-9a-f]{64}/,
    );
    // Without its sidecar, the manifest's hash of the damaged part still catches it.
    rmSync(`${copy}.sha256`);
    await expect(verifyBackup(copy)).rejects.toThrow(
      /part tables\/audit_events\.copy\.gz is not what the manifest says/,
    );
    // A copy cut short.
    writeFileSync(copy, readFileSync(r.file).subarray(0, 3000));
    await expect(verifyBackup(copy)).rejects.toThrow(/damaged or not a backup: truncated/);
    expect(await tableCount(target)).toBe(0);
    rmSync(copies, { recursive: true, force: true });
  });

  it('refuses a database that is not empty or in use; --force replaces one nobody uses', async () => {
    const r = await makeBackup({ centerId: CENTER, databaseUrl: source, dir, method: 'builtin' });
    const target = await pgs.freshDatabase('bsm_busy');
    const other = createDb(target, 1);
    await migrateToLatest(other);
    await new AuditRepository(other, CENTER).append({ actor: 'someone', action: 'login', outcome: 'success' });
    // A center (here: its pool) is connected: refused, --force or not.
    for (const force of [false, true]) {
      await expect(restoreBackup({ from: r.file, databaseUrl: target, force })).rejects.toThrow(
        /other session\(s\) are connected to database bsm_busy.*Stop the center/,
      );
    }
    await other.destroy();
    await expect(restoreBackup({ from: r.file, databaseUrl: target })).rejects.toThrow(
      /database bsm_busy_\S+ is not empty \(table public\.alarm_events, .* and \d+ more\)\. .*add --force/,
    );
    const lines: string[] = [];
    await restoreBackup({ from: r.file, databaseUrl: target, force: true, log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/--force: dropping \d+ objects/);
    expect((await contents(target)).tables).toEqual((await contents(source)).tables);
  });

  it('keeps the newest backups and those younger than keepDays, and leaves foreign files alone', async () => {
    const own = mkdtempSync(join(tmpdir(), 'bsm-retention-'));
    const foreign = [
      'notes.txt',
      'bsm-qz-20261101T000000000Z.bsmbackup', // another center's
      'bsm-fz-latest.bsmbackup', // not a backup name
      'bsm-fz-20261101T000000000Z.bsmbackup.old',
    ];
    for (const name of foreign) {
      writeFileSync(join(own, name), 'not ours');
    }
    const day = 86_400_000;
    const base = Date.parse('2026-12-10T00:00:00.000Z');
    const config = backupConfig(own, { keep: 2, method: 'builtin' });
    const taken: string[] = [];
    for (const daysAgo of [9, 7, 5, 3]) {
      const at = new Date(base - daysAgo * day);
      const r = await backupOnce({ centerId: CENTER, databaseUrl: source, config }, { now: () => at });
      taken.push(r.name);
    }
    expect((await listBackups(own, CENTER)).map((b) => b.name)).toEqual([taken[3], taken[2]]);
    // Their sidecars went with them; foreign files stayed.
    expect(readdirSync(own).sort()).toEqual(
      [...foreign, taken[2]!, `${taken[2]}.sha256`, taken[3]!, `${taken[3]}.sha256`].sort(),
    );
    // keepDays keeps everything younger than it, beyond the count.
    const withDays = backupConfig(own, { keep: 1, keepDays: 6, method: 'builtin' });
    const r = await backupOnce(
      { centerId: CENTER, databaseUrl: source, config: withDays },
      { now: () => new Date(base - 1 * day) },
    );
    expect(r.pruned).toEqual([]);
    const later = await backupOnce(
      { centerId: CENTER, databaseUrl: source, config: withDays },
      { now: () => new Date(base + 2 * day) },
    );
    // Now the one from 5 days before base is 7 days old: gone; 3 days before base (5 days old) stays.
    expect(later.pruned).toEqual([taken[2]]);
    expect((await listBackups(own, CENTER)).map((b) => b.name)).toEqual([later.name, r.name, taken[3]]);
    rmSync(own, { recursive: true, force: true });
  });

  it('runs on schedule, one at a time, reports each result, and survives a failing backup', async () => {
    const own = mkdtempSync(join(tmpdir(), 'bsm-schedule-'));
    const scheduler = new BackupScheduler(
      { centerId: CENTER, databaseUrl: source, config: backupConfig(own, { intervalMinutes: 30 }) },
      log,
      { startDelayMs: 0 },
    );
    await scheduler.start();
    await waitFor('first scheduled backup', () => scheduler.status().last?.ok === true);
    const status = scheduler.status();
    expect(status).toMatchObject({ enabled: true, running: false, last: { ok: true, method: 'builtin' } });
    expect(existsSync(join(own, status.last!.file!))).toBe(true);
    expect(Date.parse(status.nextAt!) - Date.parse(status.lastSuccessAt!)).toBe(30 * 60_000);
    // Asked twice at once: one backup.
    const before = (await listBackups(own, CENTER)).length;
    await Promise.all([scheduler.runNow(), scheduler.runNow()]);
    expect((await listBackups(own, CENTER)).length).toBe(before + 1);
    await scheduler.close();
    expect(scheduler.status().nextAt).toBeNull();

    // A restarted center finds its last backup in the directory.
    const again = new BackupScheduler(
      { centerId: CENTER, databaseUrl: source, config: backupConfig(own, { intervalMinutes: 30 }) },
      log,
    );
    await again.start();
    expect(again.status().lastSuccessAt).not.toBeNull();
    await again.close();

    // The backup disk is gone: reported, retried, nothing thrown.
    const missing = join(own, 'unmounted');
    const failing = new BackupScheduler(
      { centerId: CENTER, databaseUrl: source, config: backupConfig(missing, { intervalMinutes: 60 }) },
      log,
      { startDelayMs: 0 },
    );
    await failing.start();
    await waitFor('failed backup reported', () => failing.status().last?.ok === false);
    const failed = failing.status();
    expect(failed.last?.error).toMatch(/does not exist \(is the backup disk mounted\?\)/);
    expect(failed.lastSuccessAt).toBeNull();
    expect(Date.parse(failed.nextAt!) - Date.parse(failed.last!.at)).toBe(15 * 60_000);
    await failing.close();
    rmSync(own, { recursive: true, force: true });
  });

  it('a center backs itself up on schedule and reports it in /api/health; a failing backup leaves it healthy', async () => {
    const own = mkdtempSync(join(tmpdir(), 'bsm-center-backups-'));
    const credentialsFile = join(own, 'credentials');
    writeFileSync(credentialsFile, '');
    const run = async (backupDir: string): Promise<HealthResponse['backup']> => {
      const database = await pgs.freshDatabase('bsm_center');
      const config = CenterConfig.parse({
        mode: 'development',
        node: { id: CENTER, name: '福州分行安防监控中心', tier: 2, lat: 26.08, lon: 119.3 },
        http: { port: 0 },
        media: { enabled: false },
        database: { url: database },
        broker: { embedded: { port: 0, credentialsFile } },
        backup: { dir: backupDir, intervalMinutes: 60 },
      });
      const center = await startCenter(config, log, { backupStartDelayMs: 0 });
      const db = createDb(database, 1);
      try {
        const health = await waitFor('a backup result in /api/health', async () => {
          const h = (await (await fetch(`${center.httpUrl}/api/health`)).json()) as HealthResponse;
          return h.backup.last ? h : undefined;
        });
        expect(health.ok).toBe(true);
        if (health.backup.last?.file) {
          // Restoring over a running center is refused, --force or not: it keeps a named connection open.
          await expect(
            restoreBackup({ from: join(backupDir, health.backup.last.file), databaseUrl: database, force: true }),
          ).rejects.toThrow(/^center fz is running on database bsm_center_\S+\. .*\(bsm-center:fz\)/);
        }
        // Each result is in the audit trail too.
        const audited = await waitFor('the backup in the audit trail', async () =>
          (
            await db
              .selectFrom('audit_events')
              .select(['outcome', 'target'])
              .where('action', '=', 'system.backup')
              .execute()
          ).at(0),
        );
        expect(audited).toEqual({
          outcome: health.backup.last?.ok ? 'success' : 'failure',
          target: health.backup.last?.file ?? null,
        });
        return health.backup;
      } finally {
        await center.close();
        await db.destroy();
      }
    };

    const good = await run(own);
    expect(good).toMatchObject({ enabled: true, last: { ok: true, method: 'builtin' } });
    expect(readdirSync(own)).toContain(good.last!.file);
    expect(good.lastSuccessAt).toBe(good.last!.at);

    const bad = await run(join(own, 'not-mounted'));
    expect(bad).toMatchObject({ enabled: true, lastSuccessAt: null, last: { ok: false, file: null } });
    expect(bad.last?.error).toMatch(/not-mounted does not exist/);
    rmSync(own, { recursive: true, force: true });
  });

  it('shutdown stops a backup in progress and leaves no partial file', async () => {
    const big = await pgs.freshDatabase('bsm_big');
    const db = createDb(big, 1);
    await migrateToLatest(db);
    // Enough poorly compressible rows that the dump takes a while.
    await sql`INSERT INTO alarm_events (id, alarm_id, at, action, body)
              SELECT md5(g::text) || md5((g * 7)::text), md5(g::text), now(), 'note',
                     jsonb_build_object('k', md5((g * 13)::text))
                FROM generate_series(1, 400000) g`.execute(db);
    await db.destroy();
    const own = mkdtempSync(join(tmpdir(), 'bsm-abort-'));
    const scheduler = new BackupScheduler(
      { centerId: CENTER, databaseUrl: big, config: backupConfig(own, { method: 'builtin' }) },
      log,
    );
    const running = scheduler.runNow();
    await waitFor('the dump writing', () => readdirSync(own).some((n) => n.endsWith('.partial')));
    const started = Date.now();
    await scheduler.close();
    await running;
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(readdirSync(own)).toEqual([]);
    expect(scheduler.status()).toMatchObject({ running: false, nextAt: null, last: null });
    rmSync(own, { recursive: true, force: true });
  });

  it("keeps a running center's presence connection, coming back after the database drops it", async () => {
    const database = await pgs.freshDatabase('bsm_presence');
    const presence = new CenterPresence(database, CENTER, log);
    await presence.start();
    const admin = new pg.Client({ connectionString: database });
    await admin.connect();
    const sessions = async (): Promise<number[]> =>
      (
        await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'bsm-center:fz'`,
        )
      ).rows.map((r) => r.pid);
    try {
      const [first] = await sessions();
      expect(first).toBeDefined();
      await admin.query('SELECT pg_terminate_backend($1)', [first]);
      const back = await waitFor('the presence connection back', async () => {
        const now = await sessions();
        return now.length === 1 && now[0] !== first ? now[0] : undefined;
      });
      expect(back).not.toBe(first);
      await presence.close();
      await waitFor('the presence connection gone', async () => (await sessions()).length === 0);
    } finally {
      await presence.close();
      await admin.end();
    }
  });

  it('lets only one backup of a database run at a time, across processes', async () => {
    const holder = new pg.Client({ connectionString: source });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1, $2)', [...BACKUP_LOCK]);
      await expect(makeBackup({ centerId: CENTER, databaseUrl: source, dir, method: 'builtin' })).rejects.toThrow(
        BackupBusyError,
      );
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    expect(readdirSync(dir).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });
});

describe(`pg_dump backups on the system PostgreSQL (${SYSTEM_PG.replace(/:[^:@/]*@/, ':***@')})`, () => {
  let system: TestPostgres;
  let dir: string;

  beforeAll(async () => {
    // CI has Debian's PostgreSQL 15 with its pg_dump; without them this test fails and says why (it never skips).
    const probe = new pg.Client({ connectionString: SYSTEM_PG, connectionTimeoutMillis: 5_000 });
    let versionNum: number;
    try {
      await probe.connect();
      const { rows } = await probe.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`);
      versionNum = rows[0]!.v;
    } catch (error) {
      throw new Error(
        `the pg_dump backup test needs a PostgreSQL server with a matching pg_dump at ${SYSTEM_PG} ` +
          `(CI: Debian's postgresql-15 on 127.0.0.1:5432; elsewhere set TEST_PG_URL): ${(error as Error).message}`,
      );
    } finally {
      await probe.end().catch(() => undefined);
    }
    const tool = await probePgTool('pg_dump');
    if ('missing' in tool || tool.major < serverMajor(versionNum)) {
      throw new Error(
        `the pg_dump backup test needs pg_dump ${serverMajor(versionNum)} or newer on PATH: ` +
          ('missing' in tool ? tool.missing : `${tool.path} is ${tool.version}`),
      );
    }
    system = await startTestPostgres({ url: SYSTEM_PG });
    dir = mkdtempSync(join(tmpdir(), 'bsm-pgdump-'));
  });

  afterAll(async () => {
    await system?.stop();
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('backs up with pg_dump (auto picks it) and restores with pg_restore the same data', async () => {
    const source = await system.freshDatabase('bsm_pgd_src');
    await seed(source);
    const r = await backupOnce({ centerId: CENTER, databaseUrl: source, config: backupConfig(dir) });
    expect(r.method).toBe('pg_dump');
    expect(r.methodReason).toBeNull();
    const v = await verifyBackup(r.file);
    expect(v.manifest.pgDump?.major).toBeGreaterThanOrEqual(15);
    expect(v.manifest.tables.find((t) => t.name === 'audit_events')?.rows).toBe(50);
    const listing = execFileSync('tar', ['-tf', r.file], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toEqual(['database.pgdump', MANIFEST_ENTRY]);

    const target = await system.freshDatabase('bsm_pgd_dst');
    const restored = await restoreBackup({ from: r.file, databaseUrl: target });
    expect(restored).toMatchObject({ method: 'pg_dump', sidecar: 'ok', rows: r.rows });
    const [want, got] = [await contents(source), await contents(target)];
    expect(got.tables).toEqual(want.tables);
    expect(got.sequences).toEqual(want.sequences);
    await writesGoOn(target);
  });

  it('restores a built-in backup of the newer embedded server into this older one (across servers)', async () => {
    const embedded = await startTestPostgres({ embedded: true });
    try {
      const source = await embedded.freshDatabase('bsm_x_src');
      await seed(source);
      const r = await backupOnce({ centerId: CENTER, databaseUrl: source, config: backupConfig(dir) });
      expect(r.method).toBe('builtin');
      const target = await system.freshDatabase('bsm_x_dst');
      await restoreBackup({ from: r.file, databaseUrl: target });
      const [want, got] = [await contents(source), await contents(target)];
      expect(got.tables).toEqual(want.tables);
      await writesGoOn(target);
    } finally {
      await embedded.stop();
    }
  });
});
