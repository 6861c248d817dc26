import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/support/wait.js';
import { BranchAgent } from '../agent.js';
import { AgentConfigSchema, type AgentConfigInput } from '../config.js';
import { JOURNAL_FILE } from '../outbox/index.js';
import { captureLogger } from '../testing/capture-logger.js';
import { message, readReply, TestPanel, type MessageSpec } from './testing/panel.js';

/**
 * A real branch agent with the DC-09 receiver on a loopback port, and panels made of the independent test
 * client. The uplink points at a closed port: the center is unreachable, so every alarm the receiver takes stays
 * in the outbox where the test can see it (as it would during a link failure).
 */
const NODE = 'dc09-it';
const KEY_HEX = '2B7E151628AED2A6ABF7158809CF4F3C';
const KEY = Buffer.from(KEY_HEX, 'hex');

let dir: string;
let agent: BranchAgent;
let port: number;
const panels: TestPanel[] = [];

function agentConfig(dataDir: string, keyFile: string, extra: Partial<AgentConfigInput> = {}): AgentConfigInput {
  return {
    node: { id: NODE, name: '测试网点', lat: 26.08, lon: 119.3 },
    uplink: { url: 'mqtt://127.0.0.1:9', reconnectMs: 600_000 },
    dataDir,
    http: { enabled: false },
    patrol: { intervalSec: 3600 },
    devices: [{ id: `${NODE}.panel`, kind: 'alarm_panel', name: '报警主机' }],
    cameras: [
      { id: `${NODE}.cam-hall`, name: '营业厅' },
      { id: `${NODE}.cam-counter`, name: '现金柜台' },
    ],
    alarmInputs: [
      {
        id: `${NODE}.in-pir`,
        deviceId: `${NODE}.panel`,
        name: '营业厅红外',
        zone: 'hall',
        type: 'intrusion',
        linkedCameras: [`${NODE}.cam-hall`],
      },
      {
        id: `${NODE}.in-panic`,
        deviceId: `${NODE}.panel`,
        name: '柜台紧急按钮',
        zone: 'counter',
        type: 'panic',
        linkedCameras: [`${NODE}.cam-counter`],
      },
    ],
    dc09: {
      enabled: true,
      port: 0,
      accounts: [
        { account: '1234', inputs: { '3': `${NODE}.in-pir` }, deviceId: `${NODE}.panel` },
        { account: 'ABC123', keyFile, inputs: { '1': `${NODE}.in-panic` } },
      ],
    },
    ...extra,
  };
}

async function startAgent(
  config: AgentConfigInput,
): Promise<{ agent: BranchAgent; log: ReturnType<typeof captureLogger> }> {
  const captured = captureLogger();
  const started = new BranchAgent(AgentConfigSchema.parse(config), { logger: captured.logger });
  await started.start();
  return { agent: started, log: captured };
}

async function panel(): Promise<TestPanel> {
  const p = await TestPanel.connect(port);
  panels.push(p);
  return p;
}

const spec = (s: Partial<MessageSpec> & Pick<MessageSpec, 'seq' | 'data'>): MessageSpec => ({
  token: 'SIA-DCS',
  account: '1234',
  receiver: 'R1',
  prefix: 'L1',
  ...s,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bsm-dc09-it-'));
  const keyFile = join(dir, 'panel.key');
  writeFileSync(keyFile, `${KEY_HEX}\n`, { mode: 0o600 });
  ({ agent } = await startAgent(agentConfig(join(dir, 'data'), keyFile)));
  port = agent.dc09Receiver?.port ?? 0;
  expect(port).toBeGreaterThan(0);
});

afterEach(async () => {
  await Promise.all(panels.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  await agent.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('DC-09 receiver in a real agent', () => {
  it('ACKs a valid frame only once the alarm is journaled in the outbox', async () => {
    const p = await panel();
    const before = agent.outbox.size;
    await p.send(message(spec({ seq: 1, data: '#1234|Nri1/BA03' })));
    const reply = readReply(await p.reply());
    // At the moment the ACK is on the wire, the alarm is already on disk.
    const journal = readFileSync(join(dir, 'data', JOURNAL_FILE), 'utf8');
    expect(reply).toMatchObject({ token: 'ACK', seq: '0001', receiver: 'R1', prefix: 'L1', account: '1234' });
    expect(Math.abs((reply.at?.getTime() ?? 0) - Date.now())).toBeLessThan(5_000);
    expect(agent.outbox.size).toBe(before + 1);
    const alarm = agent.outbox.pending().at(-1);
    expect(alarm).toMatchObject({
      origin: NODE,
      type: 'intrusion',
      source: 'panel',
      inputId: `${NODE}.in-pir`,
      zone: 'hall',
      linkedCameras: [`${NODE}.cam-hall`],
      text: 'DC-09 #1234 SIA BA area 1 zone 03: burglary',
    });
    expect(journal).toContain(alarm?.id);
  });

  it('maps Contact ID alarms and queues restores as restore signals, never as new alarms', async () => {
    const p = await panel();
    const before = agent.outbox.size;
    await p.send(message(spec({ token: 'ADM-CID', seq: 2, data: '#1234|1130 01 003' })));
    expect(readReply(await p.reply())).toMatchObject({ token: 'ACK', seq: '0002' });
    expect(agent.outbox.pending().at(-1)).toMatchObject({ type: 'intrusion', inputId: `${NODE}.in-pir` });
    await p.send(message(spec({ token: 'ADM-CID', seq: 3, data: '#1234|3130 01 003' })));
    expect(readReply(await p.reply())).toMatchObject({ token: 'ACK', seq: '0003' });
    // Journaled like the alarm (in order, never lost), marked as a restore for the center.
    expect(agent.outbox.size).toBe(before + 2);
    expect(agent.outbox.pending().at(-1)).toMatchObject({
      type: 'intrusion',
      inputId: `${NODE}.in-pir`,
      signal: 'restore',
      text: expect.stringContaining('CID 3130') as unknown,
    });
  });

  it('sends nothing for a bad CRC or a bad length, and still ACKs the next good frame on the same socket', async () => {
    const p = await panel();
    const good = message(spec({ seq: 4, data: '#1234|Nri1/BA03' }));
    const badCrc = `\n0000${good.slice(5)}`;
    const badLength = `${good.slice(0, 5)}0001${good.slice(9)}`;
    await p.send(badCrc);
    await p.send(badLength);
    expect(await p.repliesWithin(300)).toEqual([]);
    expect(p.closed).toBe(false);
    await p.send(message(spec({ seq: 5, data: '#1234|Nri1/BA03' })));
    expect(readReply(await p.reply())).toMatchObject({ token: 'ACK', seq: '0005' });
  });

  it("NAKs a stale timestamp with the agent's time", async () => {
    const p = await panel();
    const before = agent.outbox.size;
    await p.send(message(spec({ seq: 6, data: '#1234|Nri1/BA03', at: new Date(Date.now() - 120_000) })));
    const reply = readReply(await p.reply());
    expect(reply).toMatchObject({ token: 'NAK', seq: '0000' });
    expect(Math.abs((reply.at?.getTime() ?? 0) - Date.now())).toBeLessThan(5_000);
    expect(agent.outbox.size).toBe(before);
  });

  it('DUHs an unknown event code', async () => {
    const p = await panel();
    await p.send(message(spec({ seq: 7, data: '#1234|Nri1/ZZ03' })));
    expect(readReply(await p.reply())).toMatchObject({ token: 'DUH', seq: '0007', account: '1234' });
  });

  it('joins a frame split across TCP writes', async () => {
    const p = await panel();
    const frame = message(spec({ seq: 8, data: '#1234|Nri1/BA03' }));
    for (const part of [frame.slice(0, 3), frame.slice(3, 20), frame.slice(20)]) {
      await p.send(part);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    expect(readReply(await p.reply())).toMatchObject({ token: 'ACK', seq: '0008' });
  });

  it('answers two frames coalesced in one write, in order', async () => {
    const p = await panel();
    await p.send(
      message(spec({ seq: 9, data: '#1234|Nri1/BA03' })) + message(spec({ token: 'NULL', seq: 0, data: '' })),
    );
    expect(readReply(await p.reply())).toMatchObject({ token: 'ACK', seq: '0009' });
    expect(readReply(await p.reply())).toMatchObject({ token: 'ACK', seq: '0000' });
  });

  it('ACKs an encrypted frame with an encrypted ACK, and raises the alarm on the mapped input', async () => {
    const p = await panel();
    await p.send(message(spec({ account: 'ABC123', seq: 10, data: '#ABC123|Nri1/PA01', key: KEY })));
    const raw = await p.reply();
    const reply = readReply(raw, KEY);
    expect(reply).toMatchObject({ token: 'ACK', encrypted: true, seq: '0010', account: 'ABC123' });
    expect(Math.abs((reply.at?.getTime() ?? 0) - Date.now())).toBeLessThan(5_000);
    expect(raw).not.toContain('_'); // the timestamp travels encrypted
    expect(agent.outbox.pending().at(-1)).toMatchObject({
      type: 'panic',
      source: 'panic-button',
      inputId: `${NODE}.in-panic`,
      priority: 1,
    });
  });

  it('ACKs a retransmission without a second alarm', async () => {
    const p = await panel();
    const before = agent.outbox.size;
    await p.send(message(spec({ seq: 11, data: '#1234|Nri1/BA03' })));
    expect(readReply(await p.reply())).toMatchObject({ token: 'ACK', seq: '0011' });
    // The panel missed our ACK and sends again (a fresh timestamp, the same sequence number and event).
    const again = await panel();
    await again.send(message(spec({ seq: 11, data: '#1234|Nri1/BA03' })));
    expect(readReply(await again.reply())).toMatchObject({ token: 'ACK', seq: '0011' });
    expect(agent.outbox.size).toBe(before + 1);
  });

  it('keeps serving other connections while one sends garbage and resets', async () => {
    const bad = await panel();
    const good = await panel();
    await bad.send('\u0000\u00ff garbage \n\r\n1234XXXX"SIA-DCS"\r');
    await bad.send(`\n${'9'.repeat(5000)}`);
    await bad.close();
    await good.send(message(spec({ seq: 12, data: '#1234|Nri1/BA03' })));
    expect(readReply(await good.reply())).toMatchObject({ token: 'ACK', seq: '0012' });
  });

  it('tracks when each panel was last heard', async () => {
    const p = await panel();
    await p.send(message(spec({ token: 'NULL', seq: 0, data: '' })));
    await p.reply();
    const link = agent.dc09Receiver?.status().accounts.find((a) => a.account === '1234');
    expect(Date.now() - Date.parse(link?.lastSeenAt ?? '')).toBeLessThan(5_000);
    expect(agent.dc09Receiver?.status().stats).toMatchObject({ dropped: expect.any(Number) as number });
    expect(agent.dc09Receiver?.stats.dropped).toBeGreaterThanOrEqual(2);
  });
});

describe('DC-09 receiver: silent panels and address filter', () => {
  it('raises device_offline for a panel silent longer than its supervision period', async () => {
    const own = mkdtempSync(join(tmpdir(), 'bsm-dc09-sup-'));
    const keyFile = join(own, 'k');
    writeFileSync(keyFile, KEY_HEX);
    const base = agentConfig(join(own, 'data'), keyFile);
    const started = await startAgent({
      ...base,
      dc09: { enabled: true, port: 0, accounts: [{ account: '4321', supervisionSec: 1, deviceId: `${NODE}.panel` }] },
    });
    try {
      const alarm = await waitFor('the silent-panel alarm', () => started.agent.outbox.pending()[0], 5_000);
      expect(alarm).toMatchObject({ type: 'device_offline', source: 'system' });
      expect(alarm.text).toContain(`DC-09 #4321 (${NODE}.panel): no message from the alarm panel`);
      expect(started.agent.dc09Receiver?.status().accounts).toMatchObject([{ account: '4321', silent: true }]);
    } finally {
      await started.agent.stop();
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('closes connections from addresses outside allowFrom', async () => {
    const own = mkdtempSync(join(tmpdir(), 'bsm-dc09-allow-'));
    const keyFile = join(own, 'k');
    writeFileSync(keyFile, KEY_HEX);
    const base = agentConfig(join(own, 'data'), keyFile);
    const started = await startAgent({
      ...base,
      dc09: { enabled: true, port: 0, allowFrom: ['192.0.2.0/24'], accounts: [{ account: '1234' }] },
    });
    try {
      const p = await TestPanel.connect(started.agent.dc09Receiver?.port ?? 0);
      await p.send(message(spec({ seq: 1, data: '#1234|Nri1/BA03' })));
      await waitFor('the refused connection to close', () => p.closed, 5_000);
      expect(started.agent.outbox.size).toBe(0);
      expect(started.log.lines.some((l) => l.msg === 'dc09: connection refused: address not in allowFrom')).toBe(true);
    } finally {
      await started.agent.stop();
      rmSync(own, { recursive: true, force: true });
    }
  });
});
