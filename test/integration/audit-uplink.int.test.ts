import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signIn, SignInError, startNetwork, Topology, type NetworkHandle } from '@bsm/launcher';
import type { AuditListResponse, AuditSourcesResponse, HealthResponse } from '@bsm/protocol';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

/**
 * Three centers as real processes, level 3 → level 2 → level 1: each copies
 * its audit chain, and the copies it holds, to its parent over the MQTT
 * uplink. Entries written while the parent is down arrive once it is back;
 * an entry altered at the source before it was sent is flagged at the parent.
 */
describe('the audit trail copied up the tree', () => {
  let net: NetworkHandle;
  let dir: string;

  const query = async <T extends Record<string, unknown>>(center: string, text: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: net.centers.get(center)?.databaseUrl ?? '' });
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  };

  /** seq → hash of a chain as a center holds it: its own, or its copy of a center below. */
  const chainAt = async (center: string, source: string): Promise<Map<number, string>> => {
    const rows =
      center === source
        ? await query<{ seq: number; hash: string }>(center, 'SELECT seq::int, hash FROM audit_events ORDER BY seq')
        : await query<{ seq: number; hash: string }>(
            center,
            'SELECT seq::int, hash FROM audit_copies WHERE source = $1 ORDER BY seq',
            [source],
          );
    return new Map(rows.map((r) => [r.seq, r.hash]));
  };

  /** True once `holder` holds exactly the chain of `source` as the source holds it. */
  const copied = async (holder: string, source: string): Promise<boolean> => {
    const [original, copy] = await Promise.all([chainAt(source, source), chainAt(holder, source)]);
    return original.size > 0 && original.size === copy.size && [...original].every(([s, h]) => copy.get(s) === h);
  };

  /** Both factors when the password is right (the status of the step that refused it otherwise). */
  const login = async (center: string, username: string, password = net.topology.demoPassword) => {
    try {
      const done = await signIn(net.centers.get(center)?.url ?? '', username, password);
      return { status: 200, cookie: done.cookie };
    } catch (error) {
      if (error instanceof SignInError) {
        return { status: error.status, cookie: '' };
      }
      throw error;
    }
  };

  const health = async (center: string): Promise<HealthResponse> =>
    (await (await fetch(`${net.centers.get(center)?.url ?? ''}/api/health`)).json()) as HealthResponse;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bsm-audit-up-'));
    chmodSync(dir, 0o755); // PostgreSQL runs as its own user when the tests run as root
    const port = (): Promise<number> => freePort();
    const topology = Topology.parse({
      name: 'audit uplink test',
      dataDir: dir,
      postgres: { embeddedPort: await port() },
      cameras: { rtspPort: await port(), controlPort: await port() },
      simulator: { alarmsPerHour: 0 },
      centers: [
        { id: 'au1', name: '省中心', tier: 1, lat: 26.07, lon: 119.29, httpPort: await port(), mqttPort: await port() },
        {
          id: 'au2',
          name: '市中心',
          tier: 2,
          parent: 'au1',
          lat: 24.87,
          lon: 118.67,
          httpPort: await port(),
          mqttPort: await port(),
        },
        {
          id: 'au3',
          name: '县中心',
          tier: 3,
          parent: 'au2',
          lat: 24.78,
          lon: 118.55,
          httpPort: await port(),
          mqttPort: await port(),
        },
      ],
    });
    net = await startNetwork(topology, { serveWeb: false, restart: false, env: { LOG_LEVEL: 'warn' } });
  });

  afterAll(async () => {
    await net?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("copies each child's chain to its parent and on to level 1, hashes and all", async () => {
    expect((await login('au3', 'au3-op')).status).toBe(200);
    expect((await login('au3', 'au3-op', 'wrong-password')).status).toBe(401);
    await waitFor('the level-3 chain copied to level 2', () => copied('au2', 'au3'), 30_000, 200);
    await waitFor('the level-3 chain copied on to level 1', () => copied('au1', 'au3'), 30_000, 200);
    await waitFor('the level-2 chain copied to level 1', () => copied('au1', 'au2'), 30_000, 200);

    // An auditor at the provincial center reads the county's logins there.
    const auditor = await login('au1', 'au1-auditor');
    expect(auditor.status).toBe(200);
    const headers = { cookie: auditor.cookie };
    const url = net.centers.get('au1')?.url ?? '';
    const sources = (await (await fetch(`${url}/api/audit/sources`, { headers })).json()) as AuditSourcesResponse;
    expect(sources.sources.map((s) => s.source).sort()).toEqual(['au1', 'au2', 'au3']);
    expect(sources.breaks).toEqual([]);
    const page = (await (
      await fetch(`${url}/api/audit?source=au3&action=auth.login&outcome=failure`, { headers })
    ).json()) as AuditListResponse;
    expect(page.entries.map((e) => [e.actor, e.action, e.outcome, e.source])).toEqual([
      ['au3-op', 'auth.login', 'failure', 'au3'],
    ]);
    // Nobody at level 3 may read the trail without the audit permission.
    const officer = await login('au3', 'au3-op');
    const refused = await fetch(`${net.centers.get('au3')?.url ?? ''}/api/audit`, {
      headers: { cookie: officer.cookie },
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('forbidden');
  });

  it('delivers what was written while the parent was down, once it is back, and it verifies at level 1', async () => {
    await net.stopNode('au2');
    const before = (await chainAt('au3', 'au3')).size;
    // Mistyped passwords and cameras asked for (no such camera here: refused, and recorded all the same).
    const viewer = await login('au3', 'au3-viewer');
    for (let i = 0; i < 25; i++) {
      if (i % 5 === 0) {
        expect((await login('au3', 'au3-viewer', 'nope-nope')).status).toBe(401);
        continue;
      }
      const play = await fetch(`${net.centers.get('au3')?.url ?? ''}/api/cameras/au3-x.cam${i}/play`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: viewer.cookie },
        body: '{}',
      });
      expect(play.status).toBe(404);
    }
    await new Promise((r) => setTimeout(r, 5_000));
    expect((await health('au3')).audit.pendingUp).toBeGreaterThanOrEqual(25);
    expect((await chainAt('au3', 'au3')).size).toBeGreaterThanOrEqual(before + 25);
    await net.startNode('au2');
    await waitFor('the entries written meanwhile at level 2', () => copied('au2', 'au3'), 60_000, 250);
    await waitFor('… and at level 1', () => copied('au1', 'au3'), 60_000, 250);
    await waitFor('nothing owed by level 3', async () => (await health('au3')).audit.pendingUp === 0, 30_000, 250);
    expect((await health('au1')).audit.breaks).toBe(0);

    const cli = await new Promise<{ code: number; out: string }>((done) => {
      execFile(
        'npm',
        [
          'run',
          '--silent',
          'audit:verify',
          '--',
          '--database-url',
          net.centers.get('au1')?.databaseUrl ?? '',
          '--source',
          'au3',
        ],
        { cwd: REPO_ROOT },
        (error, stdout) => done({ code: typeof error?.code === 'number' ? error.code : 0, out: stdout }),
      );
    });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.out)).toMatchObject({ ok: true, source: 'au3' });
  });

  it('flags at the parent an entry altered at its source before it was sent', async () => {
    await net.stopNode('au2');
    expect((await login('au3', 'au3-super')).status).toBe(200);
    const [last] = await query<{ seq: number }>('au3', 'SELECT max(seq)::int AS seq FROM audit_events');
    const seq = last?.seq ?? 0;
    // Someone with superuser access at level 3 rewrites who logged in, before the copy went up.
    const client = new pg.Client({ connectionString: net.centers.get('au3')?.databaseUrl ?? '' });
    await client.connect();
    await client.query('SET session_replication_role = replica');
    await client.query("UPDATE audit_events SET actor = 'au3-viewer' WHERE seq = $1", [seq]);
    await client.end();
    await net.startNode('au2');
    const flagged = await waitFor(
      'the break flagged at level 2',
      async () => ((await health('au2')).audit.breaks > 0 ? health('au2') : false),
      60_000,
      250,
    );
    expect(flagged.audit.breaks).toBe(1);
    const [found] = await query<{ source: string; seq: number; kind: string }>(
      'au2',
      'SELECT source, seq::int, kind FROM audit_breaks',
    );
    expect(found).toEqual({ source: 'au3', seq, kind: 'altered' });
  });
});
