import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Alarm, ApiError, type Catalog } from '@bsm/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BranchAgent } from './agent.js';
import { AgentConfigSchema, type AgentConfigInput } from './config.js';
import { JOURNAL_FILE } from './outbox/index.js';
import { startTestBroker, LinkProxy, TestCenter, type TestBroker } from './testing/broker.js';
import { captureLogger } from './testing/capture-logger.js';
import { waitFor } from '../../../test/support/wait.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

let broker: TestBroker;
const cleanups: Array<() => Promise<void> | void> = [];
const runId = Math.random().toString(36).slice(2, 7);
let nodeCounter = 0;

beforeAll(async () => {
  broker = await startTestBroker();
});

afterAll(async () => {
  await broker.close();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch {
      // best effort: the next test starts from fresh ids and directories
    }
  }
});

function branchConfig(nodeId: string, proxyUrl: string, dataDir: string, extra: Partial<AgentConfigInput> = {}) {
  const input: AgentConfigInput = {
    ...extra,
    node: { id: nodeId, name: `测试网点 ${nodeId}`, lat: 26.08, lon: 119.3, importance: 1 },
    uplink: {
      url: proxyUrl,
      protocolVersion: broker.protocolVersion,
      reconnectMs: 100,
      sessionExpirySec: 120,
      ...extra.uplink,
    },
    dataDir,
    http: { port: 0 },
    patrol: { intervalSec: 3600 },
    devices: [
      { id: `${nodeId}.nvr`, kind: 'nvr', name: 'NVR' },
      { id: `${nodeId}.panel`, kind: 'alarm_panel', name: '报警主机' },
    ],
    cameras: [
      {
        id: `${nodeId}.cam-counter`,
        deviceId: `${nodeId}.nvr`,
        name: '现金柜台',
        important: true,
        rtspUrl: 'rtsp://admin:secret@10.0.0.9/101',
      },
      { id: `${nodeId}.cam-hall`, deviceId: `${nodeId}.nvr`, name: '营业厅' },
    ],
    alarmInputs: [
      {
        id: `${nodeId}.in-panic`,
        deviceId: `${nodeId}.panel`,
        name: '柜台紧急按钮',
        zone: 'counter',
        type: 'panic',
        linkedCameras: [`${nodeId}.cam-counter`],
      },
      {
        id: `${nodeId}.in-pir`,
        deviceId: `${nodeId}.panel`,
        name: '营业厅红外',
        zone: 'hall',
        type: 'intrusion',
        linkedCameras: [`${nodeId}.cam-hall`],
      },
    ],
  };
  return input;
}

interface Branch {
  nodeId: string;
  agent: BranchAgent;
  center: TestCenter;
  proxy: LinkProxy;
  dataDir: string;
  log: ReturnType<typeof captureLogger>;
  configInput: AgentConfigInput;
}

/** A center (subscribed first), a link, and an agent (started unless told not to). */
async function branch(
  options: { extra?: Partial<AgentConfigInput>; autoAck?: boolean; start?: boolean; dataDir?: string } = {},
): Promise<Branch> {
  nodeCounter += 1;
  const nodeId = `it-${runId}-${nodeCounter}`;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'bsm-agent-it-'));
  const proxy = await LinkProxy.start(broker.url);
  const center = await TestCenter.connect(broker, nodeId, { autoAck: options.autoAck ?? true });
  const configInput = branchConfig(nodeId, proxy.url, dataDir, options.extra);
  const log = captureLogger();
  const agent = new BranchAgent(AgentConfigSchema.parse(configInput), { logger: log.logger });
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  cleanups.push(async () => {
    await center.clearRetained();
    await center.close();
  });
  cleanups.push(() => proxy.close());
  cleanups.push(() => agent.stop());
  if (options.start ?? true) {
    await agent.start();
    await waitFor('the agent to connect', () => agent.status().connected);
  }
  return { nodeId, agent, center, proxy, dataDir, log, configInput };
}

async function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(new URL('/alarms', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

const seqs = (alarms: Alarm[]) => alarms.map((a) => a.seq);
const ascending = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);

describe(`branch agent against ${process.env.MQTT_URL ? `the broker at ${process.env.MQTT_URL}` : 'aedes'}`, () => {
  it('on connect: retained online status, a full catalog of the branch, a patrol report', async () => {
    const { agent, center, nodeId } = await branch();
    const catalog = await waitFor('a catalog', () => center.of('catalog')[0]);
    expect(catalog).toMatchObject<Partial<Catalog>>({ publisher: nodeId, mode: 'full', revision: 1, states: [] });
    expect(catalog.nodes).toEqual([
      { id: nodeId, parentId: null, kind: 'branch', name: `测试网点 ${nodeId}`, lat: 26.08, lon: 119.3, importance: 1 },
    ]);
    expect(catalog.devices.map((d) => [d.id, d.nodeId])).toEqual([
      [`${nodeId}.nvr`, nodeId],
      [`${nodeId}.panel`, nodeId],
    ]);
    expect(catalog.cameras.map((c) => [c.id, c.important, c.nodeId])).toEqual([
      [`${nodeId}.cam-counter`, true, nodeId],
      [`${nodeId}.cam-hall`, false, nodeId],
    ]);
    expect(JSON.stringify(catalog)).not.toContain('secret');
    expect(catalog.alarmInputs[0]).toMatchObject({
      type: 'panic',
      zone: 'counter',
      linkedCameras: [`${nodeId}.cam-counter`],
    });

    const patrol = await waitFor('a patrol report', () => center.of('patrol')[0]);
    expect(patrol.outbox).toEqual({ pending: 0 });
    expect(patrol.devices).toEqual([
      { deviceId: `${nodeId}.nvr`, state: 'unknown', detail: 'no health probe for this device yet' },
      { deviceId: `${nodeId}.panel`, state: 'unknown', detail: 'no health probe for this device yet' },
    ]);
    expect(patrol.host?.diskFreeMb).toBeGreaterThan(0);

    // A console that subscribes later still learns the branch is online: the status is retained.
    const late = await TestCenter.connect(broker, nodeId);
    cleanups.push(() => late.close());
    const status = await waitFor('the retained status', () => late.received.find((r) => r.kind === 'status'));
    expect(status.retain).toBe(true);
    expect(status.value).toMatchObject({ nodeId, kind: 'branch', state: 'online', software: { name: 'bsm-agent' } });
    expect(center.invalid).toEqual([]);
    expect(agent.status()).toMatchObject({ nodeId, connected: true, outboxPending: 0, catalogRevision: 1 });
  });

  it('when the link breaks the broker announces it offline (last-will); the agent comes back by itself', async () => {
    const { agent, center, proxy } = await branch();
    await waitFor('the first catalog', () => center.of('catalog').length === 1);
    proxy.cut();
    const will = await waitFor('the last-will', () => center.of('status').find((s) => s.state === 'offline'));
    expect(will.reason).toBe('connection lost');
    await waitFor('online again', () => center.of('status').at(-1)?.state === 'online' && agent.status().connected);
    // Every connect republishes the catalog, so a center that lost track catches up.
    await waitFor('a catalog after the reconnect', () => center.of('catalog').length === 2);
  });

  it('stop() publishes a retained offline status and disconnects cleanly', async () => {
    const { agent, nodeId } = await branch();
    await agent.stop();
    const late = await TestCenter.connect(broker, nodeId);
    cleanups.push(() => late.close());
    const status = await waitFor('the retained status', () => late.of('status')[0]);
    expect(status).toMatchObject({ state: 'offline', reason: 'agent stopped' });
  });

  it('delivers alarms in seq order and drops each from the outbox only when the center acks it', async () => {
    const { agent, center } = await branch({ autoAck: false });
    const raised: Alarm[] = [];
    for (let i = 0; i < 5; i++) {
      raised.push(await agent.raise({ type: 'intrusion', zone: 'hall', text: `PIR ${i}` }));
    }
    expect(seqs(raised)).toEqual(ascending(5));
    await waitFor('five alarms', () => center.alarms().length >= 5);
    expect(seqs(center.alarms())).toEqual(ascending(5));
    expect(center.alarms()[0]).toEqual(raised[0]);
    expect(agent.status().outboxPending).toBe(5);

    await center.ack(raised.slice(0, 2).map((a) => a.id));
    await waitFor('two alarms to leave the outbox', () => agent.status().outboxPending === 3);
    expect(agent.outbox.pending().map((a) => a.id)).toEqual(raised.slice(2).map((a) => a.id));

    // Refused alarms leave too.
    await center.ack([], [{ id: raised[2]!.id, reason: 'unknown input' }]);
    await center.ack(raised.slice(3).map((a) => a.id));
    await waitFor('an empty outbox', () => agent.status().outboxPending === 0);
    expect(agent.uplink.stats).toMatchObject({ alarmsAcked: 4, alarmsRefused: 1 });
  });

  it('logs the reason when the center refuses an alarm', async () => {
    const { agent, center, log } = await branch({ autoAck: false });
    const alarm = await agent.raise({ type: 'fire' });
    await waitFor('the alarm', () => center.alarms().length === 1);
    await center.ack([], [{ id: alarm.id, reason: 'branch not in jurisdiction' }]);
    await waitFor('the refused alarm to leave the outbox', () => agent.status().outboxPending === 0);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', alarmId: alarm.id, reason: 'branch not in jurisdiction' }),
    );
  });

  it('keeps at most inflightWindow alarms unacknowledged on the wire', async () => {
    const { agent, center } = await branch({ autoAck: false, extra: { uplink: { inflightWindow: 5 } } });
    const raised = await Promise.all(
      Array.from({ length: 20 }, (_, i) => agent.raise({ type: 'video_loss', text: `cam ${i}` })),
    );
    expect(agent.uplink.stats.alarmsPublished).toBe(5);
    expect(agent.status()).toMatchObject({ inFlight: 5, outboxPending: 20 });
    await waitFor('the first window', () => center.alarms().length === 5);
    await center.ack(center.alarms().map((a) => a.id));
    await waitFor('the second window', () => center.alarms().length === 10);
    expect(seqs(center.alarms())).toEqual(ascending(10));
    center.autoAck = true;
    await center.ack(
      center
        .alarms()
        .slice(5)
        .map((a) => a.id),
    );
    await waitFor('the outbox to drain', () => agent.status().outboxPending === 0);
    expect(center.distinctAlarmIds()).toEqual(raised.map((a) => a.id));
  });

  it('publishes an alarm again when no ack comes in time; the center sees the same id and seq', async () => {
    const { agent, center } = await branch({ autoAck: false, extra: { uplink: { ackTimeoutMs: 300 } } });
    const alarm = await agent.raise({ type: 'vault_door' });
    const copies = await waitFor('a resend', () => (center.alarms().length >= 2 ? center.alarms() : undefined));
    expect(copies.every((a) => a.id === alarm.id && a.seq === alarm.seq)).toBe(true);
    expect(agent.uplink.stats.alarmsResent).toBeGreaterThanOrEqual(1);
    await center.ack([alarm.id]);
    await waitFor('the ack', () => agent.status().outboxPending === 0);
  });

  it('alarms raised through the local API while the center is unreachable arrive in order once it is back', async () => {
    const { agent, center, proxy } = await branch();
    proxy.down();
    await waitFor('the agent to notice the link is down', () => !agent.status().connected);
    const url = agent.httpUrl as string;
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { status, json } = await post(url, {
        type: i % 2 ? 'intrusion' : 'panic',
        zone: 'hall',
        text: `offline ${i}`,
      });
      expect(status).toBe(201);
      ids.push(Alarm.parse(json).id);
    }
    expect(agent.status()).toMatchObject({ connected: false, outboxPending: 20 });
    expect(center.alarms()).toEqual([]);

    proxy.up();
    await waitFor('all twenty alarms', () => center.distinctAlarmIds().length === 20);
    expect(center.distinctAlarmIds()).toEqual(ids);
    expect(seqs(center.alarms())).toEqual(ascending(20));
    await waitFor('the outbox to drain', () => agent.status().outboxPending === 0);
  });

  it('answers commands: ping, catalog.resync, alarm.test; refuses expired, unknown and invalid ones', async () => {
    const { center, nodeId } = await branch();
    const ping = await center.command('ping');
    expect(ping).toMatchObject({ from: nodeId, ok: true });

    await waitFor('the connect catalog', () => center.of('catalog').length === 1);
    const resync = await center.command('catalog.resync');
    expect(resync).toMatchObject({ ok: true, result: { revision: 1 } });
    await waitFor('a resynced catalog', () => center.of('catalog').length === 2);

    const test = await center.command('alarm.test', { text: 'monthly link test' });
    expect(test.ok).toBe(true);
    const alarmId = (test.result as { alarmId: string }).alarmId;
    const alarm = await waitFor('the test alarm', () => center.alarms().find((a) => a.id === alarmId));
    expect(alarm).toMatchObject({
      type: 'test',
      priority: 4,
      source: 'system',
      text: 'monthly link test',
      origin: nodeId,
    });

    expect(await center.command('ping', {}, { expiresInMs: -1000 })).toMatchObject({
      ok: false,
      error: { code: 'expired' },
    });
    const unknown = await center.command('vault.open', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    expect(unknown.error?.message).toContain('known: catalog.resync, ping, alarm.test');
    expect(await center.command('alarm.test', { text: 5 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_args' },
    });
    expect(await center.command('ping', {}, { target: 'someone-else' })).toMatchObject({
      ok: false,
      error: { code: 'wrong_target' },
    });
  });

  it('logs, counts and ignores malformed down messages; the next good ack and command still work', async () => {
    const { agent, center, log } = await branch({ autoAck: false });
    const alarm = await agent.raise({ type: 'intrusion' });
    await waitFor('the alarm', () => center.alarms().length === 1);

    await center.sendRaw('ack', 'this is not json');
    await center.sendRaw('ack', JSON.stringify({ ids: ['not-a-ulid'] }));
    await center.sendRaw('command', JSON.stringify({ hello: 'world' }));
    await center.ack([alarm.id]);
    await waitFor('the good ack to take effect', () => agent.status().outboxPending === 0);
    expect(agent.status().malformedMessages).toBe(3);
    const reasons = log.lines.filter((l) => l.msg === 'uplink: ignoring a malformed message').map((l) => l.reason);
    expect(reasons).toEqual([
      expect.stringContaining('not JSON'),
      expect.stringContaining('invalid ack: ids.0'),
      expect.stringContaining('invalid command'),
    ]);
    expect(await center.command('ping')).toMatchObject({ ok: true });
  });

  it('local API: 201 with the alarm, defaults from the alarm input, 400 with field errors, status', async () => {
    const { agent, nodeId } = await branch();
    const url = agent.httpUrl as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const byInput = await post(url, { inputId: `${nodeId}.in-panic` });
    expect(byInput.status).toBe(201);
    expect(byInput.json).toMatchObject({
      type: 'panic',
      priority: 1,
      zone: 'counter',
      inputId: `${nodeId}.in-panic`,
      linkedCameras: [`${nodeId}.cam-counter`],
      source: 'panic-button',
      origin: nodeId,
      path: [nodeId],
      seq: 1,
    });

    const manual = await post(url, { type: 'duress', text: '柜员按下胁迫键' });
    expect(manual.status).toBe(201);
    expect(manual.json).toMatchObject({ type: 'duress', priority: 1, source: 'manual', seq: 2, linkedCameras: [] });

    const bad = await post(url, { type: 'earthquake', zone: 'x'.repeat(41) });
    expect(bad.status).toBe(400);
    const error = ApiError.parse(bad.json).error;
    expect(error.code).toBe('invalid_request');
    expect(error.fields?.map((f) => f.path)).toEqual(['type', 'zone']);

    const unknownInput = await post(url, { inputId: `${nodeId}.in-nothing` });
    expect(unknownInput.status).toBe(400);
    expect(ApiError.parse(unknownInput.json).error.fields).toEqual([
      { path: 'inputId', message: `no alarm input "${nodeId}.in-nothing" at ${nodeId}` },
    ]);
    expect((await post(url, '{"type":')).status).toBe(400);
    expect((await post(url, {})).status).toBe(400);

    const status = await fetch(new URL('/status', url)).then((r) => r.json());
    expect(status).toMatchObject({ nodeId, connected: true, nextSeq: 3 });
    expect((await fetch(new URL('/nothing', url))).status).toBe(404);
  });

  it('keeps its catalog revision across restarts and bumps it when the configuration changes', async () => {
    const first = await branch();
    await first.agent.stop();
    const again = new BranchAgent(AgentConfigSchema.parse(first.configInput), { logger: first.log.logger });
    cleanups.push(() => again.stop());
    await again.start();
    expect(again.status().catalogRevision).toBe(1);
    await again.stop();

    const changed = AgentConfigSchema.parse({
      ...first.configInput,
      node: { ...first.configInput.node, name: '新名称' },
    });
    const third = new BranchAgent(changed, { logger: first.log.logger });
    cleanups.push(() => third.stop());
    await third.start();
    expect(third.status().catalogRevision).toBe(2);
    await waitFor('catalog revision 2', () =>
      first.center.of('catalog').some((c) => c.revision === 2 && c.nodes[0]?.name === '新名称'),
    );
  });

  it('runs the simulated alarm panel when enabled', async () => {
    const { center, nodeId } = await branch({
      extra: { simulator: { enabled: true, alarmsPerHour: 36_000, types: ['intrusion', 'video_loss'] } },
    });
    await waitFor('simulated alarms', () => center.alarms().length >= 3);
    for (const alarm of center.alarms()) {
      expect(['intrusion', 'video_loss']).toContain(alarm.type);
      if (alarm.type === 'intrusion') {
        expect(alarm.inputId).toBe(`${nodeId}.in-pir`);
      }
    }
    const patrol = await waitFor('a patrol', () => center.of('patrol')[0]);
    expect(patrol.devices.every((d) => d.state === 'ok')).toBe(true);
  });

  it('unacknowledged alarms survive SIGKILL: raised while the center is unreachable, delivered exactly once after restart', async () => {
    const { center, proxy, nodeId, dataDir } = await branch({ start: false });
    proxy.down();
    const configFile = join(dataDir, 'agent.json');
    writeFileSync(configFile, JSON.stringify(branchConfig(nodeId, proxy.url, dataDir)));

    const first = await spawnAgent(configFile);
    const raised: string[] = [];
    for (let i = 0; i < 10; i++) {
      const { status, json } = await post(first.httpUrl, { type: 'panic', text: `before the crash ${i}` });
      expect(status).toBe(201);
      raised.push(Alarm.parse(json).id);
    }
    first.child.kill('SIGKILL');
    await first.exited;
    // add() resolved only after fsync: every alarm is in the journal.
    const journal = readFileSync(join(dataDir, JOURNAL_FILE), 'utf8');
    expect(raised.every((id) => journal.includes(id))).toBe(true);
    expect(center.alarms()).toEqual([]);

    proxy.up();
    const second = await spawnAgent(configFile);
    await waitFor('the ten alarms from before the crash', () => center.distinctAlarmIds().length === 10);
    expect(center.distinctAlarmIds()).toEqual(raised);
    await waitFor('the restarted agent to empty its outbox', async () => {
      const status = (await fetch(new URL('/status', second.httpUrl)).then((r) => r.json())) as {
        outboxPending: number;
      };
      return status.outboxPending === 0;
    });

    // The seq counter survived too; anything resent would arrive before this alarm.
    const after = await post(second.httpUrl, { type: 'intrusion', text: 'after the restart' });
    expect(after.json).toMatchObject({ seq: 11 });
    await waitFor('the alarm raised after the restart', () => center.alarms().some((a) => a.seq === 11));
    expect(seqs(center.alarms())).toEqual(ascending(11));

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    await waitFor('the offline status', () => center.of('status').at(-1)?.state === 'offline');
    expect(center.of('status').at(-1)?.reason).toBe('agent stopped');
  });
});

/** Starts `main.ts` as its own process, as an operator would, and reads its HTTP URL from the start-up log line. */
async function spawnAgent(
  configFile: string,
): Promise<{ child: ChildProcessByStdio<null, Readable, Readable>; httpUrl: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--config', configFile], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout });
  const httpUrl = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; httpUrl?: string };
        if (entry.msg === 'agent started' && entry.httpUrl) {
          resolve(entry.httpUrl);
        }
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => reject(new Error(`agent exited with ${code} before starting: ${stderr}`)));
  });
  return { child, httpUrl, exited };
}
