import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLogger } from '@bsm/runtime';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startTestPostgres, type TestPostgres } from '../../../../test/support/postgres.js';
import { createDb, migrateToLatest, migrator, type Db } from '../db/database.js';
import { NodeRepository } from '../repositories/node.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { AuditCopyRepository } from '../repositories/audit-copy.repository.js';
import { verifyChain } from './verify.js';

const REPO_ROOT = resolve(import.meta.dirname, '../../../..');
const CENTER = 'fz';
const log = createLogger('audit-test').child({}, { level: 'fatal' });

interface CliResult {
  code: number;
  report: {
    ok: boolean;
    entries: number;
    firstProblem: { kind: string; seq: number | null; id: number | null; message: string } | null;
  };
  stderr: string;
}

/** `npm run audit:verify -- …`, as an operator runs it. */
function verifyCli(...args: string[]): Promise<CliResult> {
  return new Promise((done, fail) => {
    execFile(
      'npm',
      ['run', '--silent', 'audit:verify', '--', ...args],
      { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        try {
          done({ code, report: JSON.parse(stdout) as CliResult['report'], stderr });
        } catch {
          fail(new Error(`audit:verify printed no JSON (exit ${code}): ${stdout}\n${stderr}`));
        }
      },
    );
  });
}

const self = {
  id: CENTER,
  parentId: null,
  kind: 'center' as const,
  tier: 2 as const,
  name: '福州分行安防监控中心',
  lat: 26.08,
  lon: 119.3,
  importance: 1 as const,
};

describe('the audit chain on real PostgreSQL', () => {
  let pgServer: TestPostgres;
  let url: string;
  let db: Db;
  let dir: string;

  /** A superuser session that bypasses the append-only trigger, as an intruder with full access would. */
  const asIntruder = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('SET session_replication_role = replica');
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    pgServer = await startTestPostgres();
    url = await pgServer.freshDatabase('bsm_audit');
    db = createDb(url, 4);
    dir = mkdtempSync(join(tmpdir(), 'bsm-audit-'));
  });

  afterAll(async () => {
    await db?.destroy();
    await pgServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('chains the entries written before the chain existed, in the order they were written', async () => {
    const { error } = await migrator(db).migrateTo('20261201T0400_single_sign_on');
    expect(error).toBeUndefined();
    await new NodeRepository(db).upsertSelf(self);
    await sql`
      INSERT INTO audit_events (at, actor, action, target, outcome, ip, detail) VALUES
        (now() - interval '2 hours', 'lin', 'auth.login', NULL, 'success', '10.0.0.1', '{}'),
        (now() - interval '1 hour', 'mallory', 'auth.login', NULL, 'failure', '', '{"reason":"bad password"}'),
        (now(), NULL, 'user.seed', 'lin', 'success', NULL, '{"role":"operator"}')
    `.execute(db);
    await migrateToLatest(db);
    const rows = await db.selectFrom('audit_events').select(['seq', 'actor', 'ip']).orderBy('seq').execute();
    expect(rows).toEqual([
      { seq: 1, actor: 'lin', ip: '10.0.0.1' },
      { seq: 2, actor: 'mallory', ip: null },
      { seq: 3, actor: null, ip: null },
    ]);
    const audit = new AuditRepository(db, CENTER, log);
    const report = await verifyChain(CENTER, await audit.chain(CENTER, 0, 100));
    expect(report).toMatchObject({ ok: true, entries: 3 });
  });

  it('appends without gaps or forks when two processes write at once', async () => {
    // Two repositories on two pools: two center processes sharing one database.
    const other = createDb(url, 4);
    try {
      const a = new AuditRepository(db, CENTER, log);
      const b = new AuditRepository(other, CENTER, log);
      const written = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          (i % 2 === 0 ? a : b).append({
            actor: `user${i}`,
            action: 'video.play',
            target: `fz-a.cam${i % 5}`,
            outcome: i % 7 === 0 ? 'failure' : 'success',
            ip: '10.0.0.2',
            detail: { i, note: '备注' },
          }),
        ),
      );
      expect(new Set(written.map((w) => w.seq)).size).toBe(60);
      const all = await a.chain(CENTER, 0, 1000);
      expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 63 }, (_, i) => i + 1));
      expect(await verifyChain(CENTER, all)).toMatchObject({ ok: true, entries: 63 });
    } finally {
      await other.destroy();
    }
  });

  it("refuses UPDATE, DELETE and TRUNCATE through the application's own connection", async () => {
    // The demo connects as the database's owner (a superuser): privileges alone would not stop it.
    await expect(
      db.updateTable('audit_events').set({ actor: 'nobody' }).where('seq', '=', 5).execute(),
    ).rejects.toThrow(/append-only: UPDATE on audit_events refused/);
    await expect(db.deleteFrom('audit_events').where('seq', '=', 5).execute()).rejects.toThrow(
      /append-only: DELETE on audit_events refused/,
    );
    await expect(sql`TRUNCATE audit_events`.execute(db)).rejects.toThrow(/append-only: TRUNCATE/);
    for (const table of ['audit_copies', 'audit_breaks']) {
      await expect(sql`TRUNCATE ${sql.table(table)}`.execute(db)).rejects.toThrow(/append-only: TRUNCATE/);
    }
    expect(
      (await db.selectFrom('audit_events').select('actor').where('seq', '=', 5).executeTakeFirst())?.actor,
    ).not.toBe('nobody');
  });

  it('gives a production center a role that appends to the trail and can neither change it nor lift the trigger', async () => {
    // deploy/db/center-role.sql, as the owner would run it after migrating.
    await sql.raw(readFileSync(join(REPO_ROOT, 'deploy/db/center-role.sql'), 'utf8')).execute(db);
    await sql`ALTER ROLE bsm_center PASSWORD 'center-role-test'`.execute(db);
    const roleUrl = new URL(url);
    roleUrl.username = 'bsm_center';
    roleUrl.password = 'center-role-test';
    const asCenter = createDb(roleUrl.toString(), 2);
    try {
      // What a center does at start and at work: check the schema, write the trail, keep its cursors.
      expect(await migrateToLatest(asCenter)).toEqual([]);
      // Without a center id (a command-line tool that only has the database), the chain's owner is the center itself.
      const written = await new AuditRepository(asCenter).append({
        actor: 'lin',
        action: 'video.play',
        target: 'fz-a.cam1',
        outcome: 'success',
      });
      expect(written).toMatchObject({ seq: 64, source: CENTER });
      await new AuditCopyRepository(asCenter).advanceCursor('fz', 10);
      await expect(
        asCenter.updateTable('audit_events').set({ actor: 'x' }).where('seq', '=', 64).execute(),
      ).rejects.toThrow(/permission denied/);
      await expect(asCenter.deleteFrom('audit_events').where('seq', '=', 64).execute()).rejects.toThrow(
        /permission denied/,
      );
      await expect(
        sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`.execute(asCenter),
      ).rejects.toThrow(/must be owner/);
      await expect(sql`SET session_replication_role = replica`.execute(asCenter)).rejects.toThrow(/permission denied/);
      await expect(sql`DROP TABLE audit_events`.execute(asCenter)).rejects.toThrow(/must be owner/);
    } finally {
      await asCenter.destroy();
    }
  });

  it('audit:verify passes an intact log and names the altered, the removed and the reordered entry', async () => {
    const configFile = join(dir, 'center.yaml');
    writeFileSync(
      configFile,
      stringify({
        node: { id: CENTER, name: self.name, tier: 2, lat: self.lat, lon: self.lon },
        http: { tls: { certFile: '/etc/bsm/tls/center.crt', keyFile: '/etc/bsm/tls/center.key' } },
        database: { url },
        broker: { embedded: { credentialsFile: join(dir, 'credentials') } },
      }),
    );
    const intact = await verifyCli('--config', configFile);
    expect(intact.code).toBe(0);
    expect(intact.report).toMatchObject({ ok: true, entries: 64, firstProblem: null });

    const row = async (seq: number) =>
      (await db.selectFrom('audit_events').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow()) as {
        id: number;
        actor: string | null;
      };

    // One altered row: someone changes who watched a camera.
    const altered = await row(20);
    await asIntruder((c) => c.query("UPDATE audit_events SET actor = 'somebody-else' WHERE seq = 20"));
    const afterAlter = await verifyCli('--database-url', url);
    expect(afterAlter.code).toBe(1);
    expect(afterAlter.report.firstProblem).toMatchObject({ kind: 'altered', seq: 20, id: altered.id });
    expect(afterAlter.stderr).toContain(`first bad entry seq 20 (id ${altered.id}): altered`);
    await asIntruder((c) => c.query('UPDATE audit_events SET actor = $1 WHERE seq = 20', [altered.actor]));
    expect((await verifyCli('--database-url', url)).code).toBe(0);

    // One deleted row.
    const next = await row(31);
    const deleted = await asIntruder(
      async (c) =>
        (await c.query<Record<string, unknown>>('DELETE FROM audit_events WHERE seq = 30 RETURNING *')).rows[0],
    );
    const afterDelete = await verifyCli('--config', configFile);
    expect(afterDelete.code).toBe(1);
    expect(afterDelete.report.firstProblem).toMatchObject({ kind: 'removed', seq: 31, id: next.id });
    expect(afterDelete.report.firstProblem?.message).toContain('seq 30 is missing');
    await asIntruder(async (c) => {
      const cols = Object.keys(deleted ?? {});
      await c.query(
        `INSERT INTO audit_events (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
        cols.map((k) => {
          const v = deleted?.[k];
          return v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v;
        }),
      );
    });
    expect((await verifyCli('--config', configFile)).code).toBe(0);

    // One reordered pair: two entries exchange their positions.
    const first = await row(40);
    await asIntruder(async (c) => {
      await c.query('UPDATE audit_events SET seq = 1000000 WHERE seq = 40');
      await c.query('UPDATE audit_events SET seq = 40 WHERE seq = 41');
      await c.query('UPDATE audit_events SET seq = 41 WHERE seq = 1000000');
    });
    const afterSwap = await verifyCli('--database-url', url);
    expect(afterSwap.code).toBe(1);
    expect(afterSwap.report.firstProblem).toMatchObject({ kind: 'reordered', seq: 40 });
    expect(afterSwap.report.firstProblem?.id).not.toBe(first.id); // the entry written as 41 now stands at 40
    expect(afterSwap.report.firstProblem?.message).toContain('was written as seq 41');
  });

  it('audit:verify says how to call it when the input is wrong', async () => {
    const wrong = await new Promise<{ code: number; stderr: string }>((done) => {
      execFile(
        'npm',
        ['run', '--silent', 'audit:verify', '--', '--file', join(dir, 'missing.ndjson')],
        { cwd: REPO_ROOT },
        (error, _out, stderr) => done({ code: typeof error?.code === 'number' ? error.code : 0, stderr }),
      );
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('cannot read');
  });
});
