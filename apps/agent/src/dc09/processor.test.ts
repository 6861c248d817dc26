import { describe, expect, it } from 'vitest';
import type { RaiseRequest } from '../raise.js';
import { captureLogger } from '../testing/capture-logger.js';
import { Dc09AccountConfig } from './config.js';
import { parseKey } from './crypto.js';
import { Dc09Processor, type Dc09Account, type RestoreSignal } from './processor.js';
import { frame, message, readReply, type MessageSpec } from './testing/panel.js';
import { DC09_WINDOW } from './timestamp.js';

const NOW = new Date(Date.UTC(2025, 0, 31, 8, 0, 0));
const KEY_HEX = '000102030405060708090A0B0C0D0E0F';
const KEY = parseKey(KEY_HEX, 'hex');

const account = (input: Record<string, unknown>): Dc09Account => {
  const config = Dc09AccountConfig.parse(input);
  return { ...config, keyBytes: config.key === undefined ? undefined : parseKey(config.key, config.keyEncoding) };
};

const INPUTS = [
  { id: 'b1.in-pir', zone: 'hall', type: 'intrusion' as const },
  { id: 'b1.in-vault', zone: 'vault', type: 'vault_door' as const },
  { id: 'b1.in-7', zone: '7', type: 'atm_tamper' as const },
];

function setup(options: { raise?: (r: RaiseRequest) => Promise<unknown>; duplicateWindowMs?: number } = {}) {
  const raised: RaiseRequest[] = [];
  const restored: RestoreSignal[] = [];
  const seen: string[] = [];
  const log = captureLogger();
  let now = NOW;
  const processor = new Dc09Processor({
    accounts: [
      account({ account: '1234', inputs: { '3': 'b1.in-pir', '005': 'b1.in-vault' } }),
      account({ account: 'abc123', key: KEY_HEX }),
      account({ account: '777' }),
    ],
    alarmInputs: INPUTS,
    window: DC09_WINDOW,
    duplicateWindowMs: options.duplicateWindowMs ?? 300_000,
    sink: {
      raise:
        options.raise ??
        ((r) => {
          raised.push(r);
          return Promise.resolve();
        }),
      restore: (s) => {
        restored.push(s);
      },
    },
    logger: log.logger,
    now: () => now,
    onSeen: (a) => seen.push(a),
  });
  const send = (spec: Partial<MessageSpec> & Pick<MessageSpec, 'data'>, key?: Buffer) =>
    processor
      .process(message({ token: 'SIA-DCS', seq: 1, account: '1234', prefix: 'L1', at: now, ...spec }), 'test')
      .then((outcome) => ({
        ...outcome,
        parsed: outcome.reply === undefined ? undefined : readReply(outcome.reply, key),
      }));
  return {
    processor,
    raised,
    restored,
    seen,
    lines: log.lines,
    send,
    setNow: (d: Date) => {
      now = d;
    },
  };
}

describe('Dc09Processor', () => {
  it("ACKs a valid SIA burglary with the same seq, receiver, prefix and account, and raises it on the zone's input", async () => {
    const { send, raised } = setup();
    const outcome = await send({ seq: 42, receiver: 'R1', data: '#1234|Nri1/BA03' });
    expect(outcome.kind).toBe('ack');
    expect(outcome.parsed).toMatchObject({
      token: 'ACK',
      encrypted: false,
      seq: '0042',
      receiver: 'R1',
      prefix: 'L1',
      account: '1234',
      at: NOW,
    });
    expect(raised).toEqual([
      {
        type: 'intrusion',
        source: 'panel',
        inputId: 'b1.in-pir',
        text: 'DC-09 #1234 SIA BA area 1 zone 03: burglary',
      },
    ]);
  });

  it("lets the input's type win for generic zone codes, and the code win for specific ones", async () => {
    const { send, raised } = setup();
    await send({ seq: 1, data: '#1234|1130 01 005', token: 'ADM-CID' });
    await send({ seq: 2, data: '#1234|1110 01 005', token: 'ADM-CID' });
    await send({ seq: 3, data: '#1234|1130 01 009', token: 'ADM-CID' });
    expect(raised.map((r) => [r.type, r.inputId, r.zone])).toEqual([
      ['vault_door', 'b1.in-vault', undefined],
      ['fire', 'b1.in-vault', undefined],
      // Zone 9 is no input of this account: the alarm keeps the panel's zone number.
      ['intrusion', undefined, '9'],
    ]);
  });

  it('falls back to an input whose zone is the same number when the account maps no zones', async () => {
    const { send, raised } = setup();
    await send({ account: '777', data: '#777|NTA007' });
    expect(raised).toMatchObject([{ type: 'atm_tamper', inputId: 'b1.in-7' }]);
  });

  it('passes restores on as restore signals, never as alarms', async () => {
    const { send, raised, restored } = setup();
    const cid = await send({ token: 'ADM-CID', seq: 5, data: '#1234|3130 01 003' });
    const sia = await send({ seq: 6, data: '#1234|Nri1/AR' });
    expect([cid.kind, sia.kind]).toEqual(['ack', 'ack']);
    expect(raised).toEqual([]);
    expect(restored).toEqual([
      {
        account: '1234',
        type: 'intrusion',
        inputId: 'b1.in-pir',
        zone: '3',
        code: 'CID 3130',
        label: 'burglary restored',
        receivedAt: NOW.toISOString(),
      },
      {
        account: '1234',
        type: 'device_offline',
        code: 'SIA AR',
        label: 'AC power restored',
        receivedAt: NOW.toISOString(),
      },
    ]);
  });

  it('ACKs openings, closings and test reports without raising anything', async () => {
    const { send, raised, seen } = setup();
    expect((await send({ seq: 7, data: '#1234|Nri1/CL5' })).kind).toBe('ack');
    expect((await send({ seq: 8, token: 'ADM-CID', data: '#1234|1602 00 000' })).kind).toBe('ack');
    expect(raised).toEqual([]);
    expect(seen).toEqual(['1234', '1234']);
  });

  it('ACKs a NULL link test and counts it as the panel being alive', async () => {
    const { send, seen, raised } = setup();
    const outcome = await send({ token: 'NULL', seq: 0, data: '' });
    expect(outcome.parsed).toMatchObject({ token: 'ACK', seq: '0000', account: '1234' });
    expect(seen).toEqual(['1234']);
    expect(raised).toEqual([]);
  });

  it('sends no reply at all for a bad CRC or a bad length', async () => {
    const { processor, raised } = setup();
    const good = message({ token: 'SIA-DCS', seq: 1, account: '1234', data: '#1234|NBA03', at: NOW });
    const badCrc = `${good.slice(0, 1)}${good[1] === '0' ? '1' : '0'}${good.slice(2)}`;
    const badLength = `${good.slice(0, 5)}0FFF${good.slice(9)}`;
    for (const frame of [badCrc, badLength, '\n\r', 'not a frame\r']) {
      expect(await processor.process(frame)).toMatchObject({ kind: 'dropped', reply: undefined });
    }
    expect(raised).toEqual([]);
    expect(processor.stats.dropped).toBe(4);
  });

  it("NAKs a timestamp outside +20 s / -40 s with the receiver's time, and raises nothing", async () => {
    const { send, raised } = setup();
    for (const offsetSec of [-41, 21, -3600]) {
      const outcome = await send({ data: '#1234|NBA03', at: new Date(NOW.getTime() + offsetSec * 1000) });
      expect(outcome.kind).toBe('nak');
      expect(outcome.parsed).toMatchObject({ token: 'NAK', seq: '0000', receiver: 'R0', prefix: 'L0', at: NOW });
    }
    expect((await send({ data: '#1234|NBA03', at: new Date(NOW.getTime() - 40_000) })).kind).toBe('ack');
    expect(raised).toHaveLength(1);
  });

  it('accepts an unencrypted message without a timestamp (optional there)', async () => {
    const { send } = setup();
    expect((await send({ data: '#1234|NBA03', at: null })).kind).toBe('ack');
  });

  it('DUHs what it does not understand: token, code, data, account', async () => {
    const { send, raised } = setup();
    const cases: Array<Partial<MessageSpec> & Pick<MessageSpec, 'data'>> = [
      { token: 'ADM-XYZ', data: '#1234|1130 01 003' },
      { data: '#1234|Nri1/ZZ03' },
      { data: '#1234|Nri1/WA03' },
      { token: 'ADM-CID', data: '#1234|1999 01 003' },
      { token: 'ADM-CID', data: '#1234|hello' },
      { account: '9999', data: '#9999|NBA03' },
    ];
    for (const spec of cases) {
      const outcome = await send({ seq: 11, ...spec });
      expect(outcome.kind).toBe('duh');
      expect(outcome.parsed).toMatchObject({ token: 'DUH', seq: '0011', prefix: 'L1' });
    }
    expect(raised).toEqual([]);
  });

  it('refuses a whole block when one of its codes is unknown, rather than half of it', async () => {
    const { send, raised } = setup();
    expect((await send({ data: '#1234|Nri1/BA03/ZZ04' })).kind).toBe('duh');
    expect(raised).toEqual([]);
  });

  it('decrypts an encrypted message and answers with an encrypted ACK', async () => {
    const { send, raised } = setup();
    const outcome = await send({ account: 'ABC123', seq: 9, receiver: 'R2', data: '#ABC123|Nri1/PA01', key: KEY }, KEY);
    expect(outcome.kind).toBe('ack');
    expect(outcome.parsed).toMatchObject({
      token: 'ACK',
      encrypted: true,
      seq: '0009',
      receiver: 'R2',
      account: 'ABC123',
      at: NOW,
    });
    expect(raised).toMatchObject([{ type: 'panic', source: 'panic-button' }]);
  });

  it('guards encrypted accounts: plain messages, wrong keys and missing timestamps are refused', async () => {
    const { send, raised } = setup();
    expect((await send({ account: 'ABC123', data: '#ABC123|NPA01' })).kind).toBe('duh');
    const wrong = parseKey('FF'.repeat(16), 'hex');
    expect((await send({ account: 'ABC123', data: '#ABC123|NPA01', key: wrong })).kind).toBe('duh');
    expect((await send({ account: '1234', data: '#1234|NPA01', key: KEY })).kind).toBe('duh');
    expect((await send({ account: 'ABC123', data: '#ABC123|NPA01', key: KEY, at: null })).kind).toBe('nak');
    expect(raised).toEqual([]);
  });

  it('does not answer before the sink says the alarm is stored', async () => {
    let release: () => void = () => undefined;
    const stored = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { send } = setup({ raise: () => stored });
    let answered = false;
    const outcome = send({ seq: 19, data: '#1234|NBA03' }).then((o) => {
      answered = true;
      return o;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(false);
    release();
    expect((await outcome).kind).toBe('ack');
  });

  it('ACKs a retransmission without raising a second alarm, even while the first is still being stored', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const raised: RaiseRequest[] = [];
    const { send, processor } = setup({
      raise: async (r) => {
        raised.push(r);
        await gate;
      },
    });
    const first = send({ seq: 20, data: '#1234|NBA03' });
    const second = send({ seq: 20, data: '#1234|NBA03' });
    release();
    expect((await first).kind).toBe('ack');
    expect(await second).toMatchObject({ kind: 'ack', duplicate: true });
    expect((await send({ seq: 20, data: '#1234|NBA03' })).duplicate).toBe(true);
    // Same seq, another event: a panel that restarted its numbering; not a duplicate.
    expect((await send({ seq: 20, data: '#1234|NBA04' })).duplicate).toBe(false);
    expect(raised).toHaveLength(2);
    expect(processor.stats.duplicates).toBe(2);
  });

  it('forgets a message after the duplicate window', async () => {
    const { send, raised, setNow } = setup({ duplicateWindowMs: 60_000 });
    await send({ seq: 30, data: '#1234|NBA03' });
    const later = new Date(NOW.getTime() + 61_000);
    setNow(later);
    await send({ seq: 30, data: '#1234|NBA03', at: later });
    expect(raised).toHaveLength(2);
  });

  it('does not reply when the alarm cannot be stored, so the panel sends it again; the retry is not a duplicate', async () => {
    let fail = true;
    const raised: RaiseRequest[] = [];
    const { send } = setup({
      raise: (r) => {
        if (fail) {
          return Promise.reject(new Error('disk full'));
        }
        raised.push(r);
        return Promise.resolve();
      },
    });
    expect(await send({ seq: 40, data: '#1234|NBA03' })).toMatchObject({ kind: 'failed', reply: undefined });
    fail = false;
    expect(await send({ seq: 40, data: '#1234|NBA03' })).toMatchObject({ kind: 'ack', duplicate: false });
    expect(raised).toHaveLength(1);
  });

  it('takes the account from the data when an older panel leaves it out of the header', async () => {
    const { processor, raised } = setup();
    const outcome = await processor.process(frame('"SIA-DCS"0001L0[#1234|Nri1/BA03]'));
    expect(outcome.kind).toBe('ack');
    expect(readReply(outcome.reply ?? '')).toMatchObject({ account: '1234' });
    expect(raised).toHaveLength(1);
  });
});
