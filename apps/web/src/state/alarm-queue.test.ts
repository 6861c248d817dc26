import { describe, expect, it } from 'vitest';
import { alarmView } from '../test-support/fixtures';
import {
  applyQueueAlarm,
  compareQueueOrder,
  initialQueueState,
  isArrival,
  loadQueue,
  queueOf,
  upsertQueue,
} from './alarm-queue';

const at = (minute: number): string => `2025-01-01T08:${String(minute).padStart(2, '0')}:00.000Z`;

describe('queue order', () => {
  it('puts the most urgent priority first, then the one waiting longest', () => {
    const p2old = alarmView({ priority: 2, receivedAt: at(1) });
    const p1new = alarmView({ priority: 1, receivedAt: at(9) });
    const p2new = alarmView({ priority: 2, receivedAt: at(5) });
    const p1old = alarmView({ priority: 1, receivedAt: at(2) });
    const p4 = alarmView({ priority: 4, receivedAt: at(0) });
    const sorted = [p2old, p1new, p2new, p4, p1old].sort(compareQueueOrder);
    expect(sorted.map((a) => a.id)).toEqual([p1old.id, p1new.id, p2old.id, p2new.id, p4.id]);
  });

  it('orders alarms received in the same instant by id', () => {
    const first = alarmView({ receivedAt: at(3) });
    const second = alarmView({ receivedAt: at(3) });
    expect([second, first].sort(compareQueueOrder).map((a) => a.id)).toEqual([first.id, second.id]);
  });

  it('inserts in order, replaces by id and drops a closed alarm', () => {
    const a = alarmView({ priority: 3, receivedAt: at(1) });
    const b = alarmView({ priority: 2, receivedAt: at(2) });
    let queue = upsertQueue(upsertQueue([], a), b);
    expect(queue.map((x) => x.id)).toEqual([b.id, a.id]);
    queue = upsertQueue(queue, { ...a, status: 'acknowledged' });
    expect(queue).toHaveLength(2);
    expect(queue[1]?.status).toBe('acknowledged');
    queue = upsertQueue(queue, { ...b, status: 'closed' });
    expect(queue.map((x) => x.id)).toEqual([a.id]);
  });

  it('leaves the queue untouched when an alarm it does not hold is closed', () => {
    const queue = [alarmView()];
    expect(upsertQueue(queue, alarmView({ status: 'closed' }))).toBe(queue);
  });

  it('splits the alarms this center must handle from those it only sees', () => {
    const mine = alarmView();
    const theirs = alarmView({ responsible: false });
    expect(queueOf([mine, theirs], true)).toEqual([mine]);
    expect(queueOf([mine, theirs], false)).toEqual([theirs]);
  });
});

describe('arrivals', () => {
  it('counts a new responsible alarm and one escalated here, not one already handled or someone else’s', () => {
    const fresh = alarmView();
    expect(isArrival(undefined, fresh)).toBe(true);
    expect(isArrival(undefined, { ...fresh, responsible: false })).toBe(false);
    expect(isArrival({ ...fresh, responsible: false }, fresh)).toBe(true);
    expect(isArrival(fresh, fresh)).toBe(false);
    expect(isArrival(undefined, { ...fresh, status: 'acknowledged' })).toBe(false);
  });

  it('does not announce the alarms of the first load, but does those found after a reconnect', () => {
    const existing = alarmView({ priority: 3 });
    const first = loadQueue(initialQueueState, { ok: true, alarms: [existing] });
    expect(first.lastArrival).toBeNull();
    const missed = alarmView({ priority: 4 });
    const missedUrgent = alarmView({ priority: 2 });
    const second = loadQueue(first, { ok: true, alarms: [existing, missed, missedUrgent] });
    expect(second.lastArrival).toEqual({ id: missedUrgent.id, priority: 2 });
  });

  it('keeps the alarms of a failed load and records why', () => {
    const loaded = loadQueue(initialQueueState, { ok: true, alarms: [alarmView()] });
    const failed = loadQueue(loaded, { ok: false, message: 'HTTP 500' });
    expect(failed.alarms).toBe(loaded.alarms);
    expect(failed.failure).toBe('HTTP 500');
  });

  it('gives a fresh trigger for every arrival and none for a redelivery', () => {
    const alarm = alarmView({ priority: 1 });
    const once = applyQueueAlarm(initialQueueState, alarm);
    expect(once.lastArrival).toEqual({ id: alarm.id, priority: 1 });
    const again = applyQueueAlarm(once, alarm);
    expect(again.lastArrival).toBe(once.lastArrival);
  });
});
