import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signIn, startNetwork, Topology, type NetworkHandle } from '@bsm/launcher';
import type {
  Alarm,
  AlarmDetailResponse,
  AlarmListResponse,
  AlarmView,
  ApiError,
  BranchPanelResponse,
  PanelZone,
} from '@bsm/protocol';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

/** An officer's console at one center: logged in, speaking REST. */
class Officer {
  private cookie = '';
  constructor(readonly base: string) {}

  async login(username: string, password: string): Promise<void> {
    this.cookie = (await signIn(this.base, username, password)).cookie;
  }

  async alarm(id: string): Promise<AlarmDetailResponse | null> {
    const res = await fetch(`${this.base}/api/alarms/${id}`, { headers: { cookie: this.cookie } });
    return res.ok ? ((await res.json()) as AlarmDetailResponse) : null;
  }

  async queue(): Promise<AlarmView[]> {
    const res = await fetch(`${this.base}/api/alarms?state=open&responsible=true`, {
      headers: { cookie: this.cookie },
    });
    return ((await res.json()) as AlarmListResponse).alarms;
  }

  post(path: string, body: object): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: this.cookie },
      body: JSON.stringify(body),
    });
  }

  async panel(branch: string): Promise<BranchPanelResponse> {
    const res = await fetch(`${this.base}/api/branches/${branch}/panel`, { headers: { cookie: this.cookie } });
    expect(res.status).toBe(200);
    return (await res.json()) as BranchPanelResponse;
  }

  act(id: string, body: object): Promise<Response> {
    return fetch(`${this.base}/api/alarms/${id}/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: this.cookie },
      body: JSON.stringify(body),
    });
  }

  /** Waits until the alarm, as this center sees it, satisfies `check`. */
  until(what: string, id: string, check: (a: AlarmView) => boolean, timeoutMs = 15_000): Promise<AlarmView> {
    return waitFor(
      what,
      async () => {
        const found = await this.alarm(id);
        return found && check(found.alarm) ? found.alarm : undefined;
      },
      timeoutMs,
      100,
    );
  }
}

/**
 * Alarm handling across two tiers, on real processes: a branch raises alarms
 * through its agent, the city center must acknowledge them within a (short)
 * deadline or they escalate to the provincial center; actions at either tier
 * show at the other.
 */
describe('alarm handling across the tiers', () => {
  let net: NetworkHandle;
  let dir: string;
  let agentUrl = '';
  const city = {
    op: null as unknown as Officer,
    viewer: null as unknown as Officer,
    staff: null as unknown as Officer,
  };
  let province: Officer;

  const raise = async (body: object): Promise<Alarm> => {
    const res = await fetch(`${agentUrl}/alarms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as Alarm;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bsm-handling-'));
    chmodSync(dir, 0o755);
    const port = (): Promise<number> => freePort();
    const agentPort = await port();
    const topology = Topology.parse({
      name: 'handling test',
      dataDir: dir,
      postgres: { embeddedPort: await port() },
      cameras: { rtspPort: await port(), controlPort: await port() },
      simulator: { alarmsPerHour: 0 },
      centers: [
        {
          id: 'hp',
          name: '福建省分行安防监控中心',
          tier: 1,
          lat: 26.07,
          lon: 119.29,
          httpPort: await port(),
          mqttPort: await port(),
        },
        {
          id: 'hc',
          name: '福州分行安防监控中心',
          tier: 2,
          parent: 'hp',
          lat: 26.08,
          lon: 119.3,
          httpPort: await port(),
          mqttPort: await port(),
        },
      ],
      branches: [{ id: 'hb', name: '鼓楼支行营业部', center: 'hc', lat: 26.08, lon: 119.29, agentPort, kit: 'vault' }],
    });
    net = await startNetwork(topology, {
      serveWeb: false,
      restart: false,
      env: { LOG_LEVEL: 'warn', BSM_CENTER__ALARMS__ACK_DEADLINE_SEC: '3' },
    });
    agentUrl = `http://127.0.0.1:${agentPort}`;
    city.op = new Officer(net.centers.get('hc')?.url ?? '');
    city.viewer = new Officer(net.centers.get('hc')?.url ?? '');
    city.staff = new Officer(net.centers.get('hc')?.url ?? '');
    province = new Officer(net.centers.get('hp')?.url ?? '');
    await city.op.login('hc-op', topology.demoPassword);
    await city.viewer.login('hc-viewer', topology.demoPassword);
    await city.staff.login('hb-staff', topology.demoPassword);
    await province.login('hp-op', topology.demoPassword);
  });

  afterAll(async () => {
    await net?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts a branch alarm in the city queue with a deadline; an acknowledgment there shows at the province', async () => {
    const alarm = await raise({ type: 'intrusion', zone: '营业大厅' });
    const queued = await city.op.until('alarm at the city center', alarm.id, (a) => a.status === 'new');
    expect(queued.responsible).toBe(true);
    const left = Date.parse(queued.deadlineAt ?? '') - Date.now();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(3_000);
    expect((await city.op.queue()).map((a) => a.id)).toContain(alarm.id);
    expect((await province.until('alarm at the province', alarm.id, () => true)).responsible).toBe(false);

    const ack = await city.op.act(alarm.id, { action: 'acknowledge' });
    expect(ack.status).toBe(200);
    expect(((await ack.json()) as AlarmView).owner?.by).toBe('hc-op@hc');
    const seen = await province.until('acknowledged at the province', alarm.id, (a) => a.status === 'acknowledged');
    expect(seen.owner).toMatchObject({ by: 'hc-op@hc', node: 'hc' });
    // Acknowledged in time: it never goes up as an escalation.
    await new Promise((r) => setTimeout(r, 3_500));
    expect((await province.alarm(alarm.id))?.alarm.escalations).toEqual([]);
  });

  it('escalates an alarm nobody acknowledged in time; the province closes it and the city shows it closed', async () => {
    const alarm = await raise({ type: 'intrusion', zone: '自助银行' });
    const escalated = await province.until('escalation at the province', alarm.id, (a) => a.responsible, 10_000);
    expect(escalated.escalations).toEqual([expect.objectContaining({ from: 'hc', to: 'hp', reason: 'deadline' })]);
    expect(escalated.lateEscalation).toBe(false);
    expect((await province.queue()).map((a) => a.id)).toContain(alarm.id);

    for (const action of [{ action: 'acknowledge' }, { action: 'verify' }, { action: 'false_alarm' }]) {
      expect((await province.act(alarm.id, action)).status).toBe(200);
    }
    const noNote = await province.act(alarm.id, { action: 'close', disposition: 'false_alarm' });
    expect(noNote.status).toBe(409);
    expect(((await noNote.json()) as ApiError).error).toMatchObject({
      code: 'not_allowed',
      message: 'closing needs a note',
    });
    expect(
      (await province.act(alarm.id, { action: 'close', disposition: 'false_alarm', note: '视频复核为保洁人员误触' }))
        .status,
    ).toBe(200);

    const closed = await city.op.until('closed at the city center', alarm.id, (a) => a.status === 'closed');
    expect(closed.closedBy).toMatchObject({ by: 'hp-op@hp', node: 'hp' });
    expect(closed.disposition).toBe('false_alarm');
    const history = await city.op.alarm(alarm.id);
    expect(history?.events.map((e) => e.action)).toEqual(['escalate', 'acknowledge', 'verify', 'false_alarm', 'close']);
    expect((await city.op.queue()).map((a) => a.id)).not.toContain(alarm.id);
  });

  it('sends a panic alarm up at once, keeps it latched through a restore, and closes it only after a reset', async () => {
    const alarm = await raise({ type: 'panic', zone: '柜台' });
    const up = await province.until('immediate escalation', alarm.id, (a) => a.responsible, 5_000);
    expect(up.escalations[0]).toMatchObject({ reason: 'immediate', to: 'hp' });
    expect(up.latched).toBe(true);

    await raise({ type: 'panic', zone: '柜台', signal: 'restore' });
    const restored = await city.op.until('restore applied', alarm.id, (a) => a.restoredAt !== null);
    expect(restored.status).toBe('new');
    expect(restored.latched).toBe(true);

    for (const action of [{ action: 'acknowledge' }, { action: 'test' }]) {
      expect((await city.op.act(alarm.id, action)).status).toBe(200);
    }
    const latched = await city.op.act(alarm.id, { action: 'close', disposition: 'test', note: '演练' });
    expect(latched.status).toBe(409);
    expect(((await latched.json()) as ApiError).error.message).toMatch(/reset/);
    expect((await city.op.act(alarm.id, { action: 'reset' })).status).toBe(200);
    expect((await city.op.act(alarm.id, { action: 'close', disposition: 'test', note: '演练' })).status).toBe(200);
    await province.until('closed at the province', alarm.id, (a) => a.status === 'closed' && !a.latched);
  });

  it('refuses handling to a user who may only watch, and unknown or malformed requests with a reason', async () => {
    const alarm = await raise({ type: 'intrusion' });
    await city.op.until('alarm at the city center', alarm.id, () => true);
    expect((await city.viewer.act(alarm.id, { action: 'acknowledge' })).status).toBe(403);
    expect((await city.op.act(alarm.id, { action: 'dance' })).status).toBe(400);
    expect((await city.op.act('01JD0000000000000000000000', { action: 'acknowledge' })).status).toBe(404);
    const early = await city.op.act(alarm.id, { action: 'dispatch' });
    expect(early.status).toBe(409);
    expect(((await early.json()) as ApiError).error.message).toBe('cannot dispatch an alarm that is new');
  });

  it('gives the branch staff a panel: panic reaches the city queue, the staff see who handles it, zones arm with the code', async () => {
    const before = await city.staff.panel('hb');
    expect(before.branch.id).toBe('hb');
    const hall = before.zones?.find((z) => z.inputs.length > 0);
    expect(hall?.armed).toBe(true);

    expect((await city.op.post('/api/branches/hb/panic', { type: 'panic', confirm: true })).status).toBe(403);
    expect((await city.staff.post('/api/branches/hb/panic', { type: 'panic' })).status).toBe(400);
    const pressed = await city.staff.post('/api/branches/hb/panic', { type: 'duress', confirm: true });
    expect(pressed.status).toBe(201);
    const { alarmId } = (await pressed.json()) as { alarmId: string };
    const queued = await city.op.until('duress alarm in the city queue', alarmId, (a) => a.responsible);
    expect(queued).toMatchObject({ type: 'duress', source: 'panic-button', latched: true });
    expect((await city.op.act(alarmId, { action: 'acknowledge' })).status).toBe(200);
    await waitFor(
      'the panel shows who handles it',
      async () => (await city.staff.panel('hb')).alarms.find((a) => a.id === alarmId)?.owner?.by === 'hc-op@hc',
      10_000,
      100,
    );

    const zone = encodeURIComponent(hall?.zone ?? '');
    const wrong = await city.staff.post(`/api/branches/hb/zones/${zone}/arm`, { armed: false, code: '0000' });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as ApiError).error.code).toBe('wrong_code');
    const disarmed = await city.staff.post(`/api/branches/hb/zones/${zone}/arm`, { armed: false, code: '2468' });
    expect(disarmed.status).toBe(200);
    expect((await disarmed.json()) as PanelZone).toMatchObject({ armed: false, by: 'hb-staff@hc' });
    expect((await city.staff.panel('hb')).zones?.find((z) => z.zone === hall?.zone)?.armed).toBe(false);
    expect((await city.viewer.post(`/api/branches/hb/zones/${zone}/arm`, { armed: true, code: '2468' })).status).toBe(
      403,
    );

    // Every press and every arming, done or refused, is in the city center's audit trail; the code never is.
    const client = new pg.Client({ connectionString: net.centers.get('hc')?.databaseUrl ?? '' });
    await client.connect();
    const trail = (
      await client.query<{ actor: string; action: string; outcome: string; detail: Record<string, unknown> }>(
        `SELECT actor, action, outcome, detail FROM audit_events
          WHERE action LIKE 'panel.%' OR (action = 'access.refused' AND target LIKE 'POST /api/branches/%')
          ORDER BY seq`,
      )
    ).rows;
    await client.end();
    // The officer's press and the viewer's arming are refused before the branch is asked: by their permissions.
    expect(trail.map((r) => [r.actor, r.action, r.outcome])).toEqual([
      ['hc-op', 'access.refused', 'failure'],
      ['hb-staff', 'panel.duress', 'success'],
      ['hb-staff', 'panel.disarm', 'failure'],
      ['hb-staff', 'panel.disarm', 'success'],
      ['hc-viewer', 'access.refused', 'failure'],
    ]);
    expect(trail[0]?.detail).toMatchObject({ code: 'forbidden', needs: 'panel' });
    expect(trail[1]?.detail).toMatchObject({ alarmId });
    expect(trail[2]?.detail).toMatchObject({ zone: hall?.zone, error: 'wrong_code' });
    expect(JSON.stringify(trail)).not.toContain('2468');
  });

  it('raises device-offline about a branch whose agent vanished, within 30 s, and marks it restored when it returns', async () => {
    await net.stopNode('hb', 'kill');
    const lostAt = Date.now();
    const found = await waitFor(
      'a device-offline alarm about the branch',
      async () => (await city.op.queue()).find((a) => a.type === 'device_offline' && a.subject === 'hb'),
      30_000,
      250,
    );
    expect(Date.now() - lostAt).toBeLessThan(30_000);
    expect(found).toMatchObject({ origin: 'hc', originName: '鼓楼支行营业部', responsible: true, restoredAt: null });
    await province.until('the province sees it at the branch', found.id, (a) => a.subject === 'hb');
    await net.startNode('hb');
    const back = await city.op.until(
      'restored when the branch is back',
      found.id,
      (a) => a.restoredAt !== null,
      30_000,
    );
    expect(back.status).toBe('new');
  });
});
