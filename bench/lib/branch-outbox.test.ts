import { describe, expect, it } from 'vitest';
import { BranchOutbox, type AlarmDraft } from './branch-outbox.js';
import { stormAlarmId } from './storm-alarm.js';

function draft(text = 'hall PIR'): AlarmDraft {
  return {
    id: stormAlarmId(),
    origin: 'bb-001',
    path: ['bb-001'],
    type: 'intrusion',
    priority: 2,
    linkedCameras: [],
    occurredAt: new Date().toISOString(),
    source: 'panel',
    text,
  };
}

const ids = (alarms: { id: string }[]): string[] => alarms.map((a) => a.id);
const seqs = (alarms: { seq: number }[]): number[] => alarms.map((a) => a.seq);

describe('BranchOutbox', () => {
  it('numbers alarms per branch from 1', () => {
    const box = new BranchOutbox({ window: 10, ackTimeoutMs: 1000 });
    expect([box.add(draft()).seq, box.add(draft()).seq, box.add(draft()).seq]).toEqual([1, 2, 3]);
    expect(box.seq).toBe(3);
    expect(box.size).toBe(3);
  });

  it('refuses the same id twice, so a bug in the generator cannot pass for a duplicate at the center', () => {
    const box = new BranchOutbox({ window: 10, ackTimeoutMs: 1000 });
    const d = draft();
    box.add(d);
    expect(() => box.add(d)).toThrow(/already/);
  });

  it('publishes nothing while disconnected and keeps every alarm', () => {
    const box = new BranchOutbox({ window: 10, ackTimeoutMs: 1000 });
    box.add(draft());
    box.add(draft());
    expect(box.take(0)).toEqual([]);
    expect(box.overdue(1_000_000)).toEqual([]);
    expect(box.size).toBe(2);
  });

  it('sends what was raised while away on connect, in seq order', () => {
    const box = new BranchOutbox({ window: 10, ackTimeoutMs: 1000 });
    box.add(draft());
    box.add(draft());
    box.connected();
    box.add(draft());
    expect(seqs(box.take(0))).toEqual([1, 2, 3]);
    expect(box.inFlight).toBe(3);
    expect(box.take(0)).toEqual([]);
  });

  it('keeps at most `window` alarms in flight; an ack makes room for the next', () => {
    const box = new BranchOutbox({ window: 2, ackTimeoutMs: 1000 });
    box.connected();
    const all = [box.add(draft()), box.add(draft()), box.add(draft()), box.add(draft())];
    const first = box.take(0);
    expect(seqs(first)).toEqual([1, 2]);
    expect(box.take(0)).toEqual([]);
    expect(box.ack([all[0]?.id ?? ''])).toEqual([all[0]?.id]);
    expect(seqs(box.take(1))).toEqual([3]);
    expect(box.ack(ids(all))).toEqual([all[1]?.id, all[2]?.id, all[3]?.id]);
    expect(seqs(box.take(2))).toEqual([]);
    expect(box.size).toBe(0);
  });

  it('drops an alarm only on an ack (or a refusal), and counts each once', () => {
    const box = new BranchOutbox({ window: 10, ackTimeoutMs: 1000 });
    box.connected();
    const a = box.add(draft());
    const b = box.add(draft());
    const c = box.add(draft());
    box.take(0);
    expect(box.ack([a.id], [b.id])).toEqual([a.id, b.id]);
    // An ack repeated for a redelivery lists ids that are already gone.
    expect(box.ack([a.id, 'unknown'])).toEqual([]);
    expect(box.has(c.id)).toBe(true);
    expect(box.stats).toMatchObject({ added: 3, acked: 1, refused: 1 });
  });

  it('publishes again, oldest first, what is not acknowledged within the timeout, and restarts its clock', () => {
    const box = new BranchOutbox({ window: 10, ackTimeoutMs: 1000 });
    box.connected();
    const a = box.add(draft());
    box.take(0);
    const b = box.add(draft());
    box.take(500);
    expect(box.overdue(999)).toEqual([]);
    expect(ids(box.overdue(1000))).toEqual([a.id]);
    expect(ids(box.overdue(1500))).toEqual([b.id]);
    expect(box.overdue(1999)).toEqual([]);
    expect(ids(box.overdue(2500))).toEqual([a.id, b.id]);
    expect(box.stats.resent).toBe(4);
    box.ack([a.id]);
    expect(ids(box.overdue(10_000))).toEqual([b.id]);
  });

  it('resends every unacknowledged alarm unchanged after a reconnect, and nothing twice', () => {
    const box = new BranchOutbox({ window: 2, ackTimeoutMs: 1000 });
    box.connected();
    const a = box.add(draft());
    const b = box.add(draft());
    const c = box.add(draft());
    const firstSend = box.take(0);
    box.ack([a.id]);
    box.disconnected();
    expect(box.inFlight).toBe(0);
    box.connected();
    const again = box.take(10);
    expect(ids(again)).toEqual([b.id, c.id]);
    // Same object: same id, same seq, same occurredAt.
    expect(again[0]).toBe(firstSend[1]);
    expect(box.take(10)).toEqual([]);
  });

  it('skips an alarm acknowledged while still queued (an ack for its publication on the previous connection)', () => {
    const box = new BranchOutbox({ window: 10, ackTimeoutMs: 1000 });
    box.connected();
    const a = box.add(draft());
    box.take(0);
    box.disconnected();
    box.connected();
    box.ack([a.id]);
    expect(box.take(1)).toEqual([]);
  });

  it('keeps its queue short over a long storm', () => {
    const box = new BranchOutbox({ window: 5, ackTimeoutMs: 1000 });
    box.connected();
    for (let i = 0; i < 10_000; i++) {
      const sent = box.take(i);
      box.ack(ids(sent));
      box.add(draft());
    }
    expect(box.size).toBeLessThanOrEqual(5);
    expect(box.stats.sent).toBeGreaterThan(9_990);
  });

  it('refuses a window or timeout that would stall the sender', () => {
    expect(() => new BranchOutbox({ window: 0, ackTimeoutMs: 1000 })).toThrow(/window/);
    expect(() => new BranchOutbox({ window: 1, ackTimeoutMs: 0 })).toThrow(/ackTimeoutMs/);
  });
});
