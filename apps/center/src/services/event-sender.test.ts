import { encode, MAX_SMALL_PAYLOAD_BYTES, type AlarmEvent } from '@bsm/protocol';
import { describe, expect, it } from 'vitest';
import { fitPayload } from './event-sender.js';

const event = (i: number): AlarmEvent => ({
  id: `01JD0000000000000000${String(i).padStart(6, '0')}`,
  alarmId: '01JD0000000000000000000001',
  origin: 'fz-wuyi',
  at: '2026-11-22T08:00:00.000Z',
  node: 'fz',
  by: 'lin.wei@fz',
  byName: '林伟',
  action: 'note',
  note: '已通知辖区派出所，民警十分钟内到场；网点负责人已在监控室配合调阅录像。'.repeat(4),
});

describe('event batches', () => {
  it('split a backlog into messages the receiver accepts', () => {
    const backlog = Array.from({ length: 500 }, (_, i) => ({ position: i + 1, event: event(i) }));
    const first = fitPayload(backlog);
    expect(first.length).toBeGreaterThan(10);
    expect(first.length).toBeLessThan(500);
    const payload = encode({ events: first.map((p) => p.event), upTo: first.at(-1)?.position ?? 0 });
    expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_SMALL_PAYLOAD_BYTES);
  });

  it('always send at least one event', () => {
    expect(fitPayload([{ position: 7, event: event(7) }])).toHaveLength(1);
    expect(fitPayload([])).toEqual([]);
  });
});
