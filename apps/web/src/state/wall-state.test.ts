import { describe, expect, it } from 'vitest';
import { alarmView, mapResponse } from '../test-support/fixtures';
import type { QueueLoad } from './alarm-queue';
import { initialWallState, wallReducer, type WallAction, type WallState } from './wall-state';

/** A snapshot whose queue is empty; the queue's own behaviour is tested below and in alarm-queue.test.ts. */
const NO_QUEUE: QueueLoad = { ok: true, alarms: [] };

const run = (actions: WallAction[], state: WallState = initialWallState): WallState =>
  actions.reduce(wallReducer, state);

describe('wallReducer', () => {
  it('shows the snapshot once loaded', () => {
    const existing = alarmView();
    const state = run([
      { type: 'snapshot:requested' },
      { type: 'snapshot:loaded', map: mapResponse(), alarms: [existing], queue: NO_QUEUE },
    ]);
    expect(state.snapshot).toBe('ready');
    expect(state.center?.name).toBe('福州市分行监控中心');
    expect(state.nodes.size).toBe(5);
    expect(state.alarms.map((a) => a.id)).toEqual([existing.id]);
  });

  it('prepends a live alarm and turns its branch and centers red', () => {
    const alarm = alarmView({ origin: 'fz-gl-02', priority: 1 });
    const state = run([
      {
        type: 'snapshot:loaded',
        map: mapResponse(),
        alarms: [alarmView({ receivedAt: '2025-01-01T07:00:00.000Z' })],
        queue: NO_QUEUE,
      },
      { type: 'event', event: { type: 'alarm:new', alarm } },
    ]);
    expect(state.alarms[0]?.id).toBe(alarm.id);
    expect(state.nodes.get('fz-gl-02')).toMatchObject({ openAlarms: 1, topPriority: 1 });
    expect(state.nodes.get('fz')).toMatchObject({ openAlarms: 1, topPriority: 1 });
  });

  it('counts an alarm received twice once', () => {
    const alarm = alarmView({ origin: 'fz-01' });
    const event: WallAction = { type: 'event', event: { type: 'alarm:new', alarm } };
    const state = run([{ type: 'snapshot:loaded', map: mapResponse(), alarms: [], queue: NO_QUEUE }, event, event]);
    expect(state.alarms).toHaveLength(1);
    expect(state.nodes.get('fz-01')?.openAlarms).toBe(1);
  });

  it('holds events that arrive while a snapshot loads and replays them on top of it', () => {
    const alarm = alarmView({ origin: 'fz-01', priority: 3 });
    const state = run([
      { type: 'snapshot:requested' },
      { type: 'event', event: { type: 'alarm:new', alarm } },
      {
        type: 'event',
        event: {
          type: 'node:state',
          state: { nodeId: 'fz-gl-01', state: 'offline', since: '2025-02-01T00:00:00.000Z' },
        },
      },
      { type: 'snapshot:loaded', map: mapResponse(), alarms: [], queue: NO_QUEUE },
    ]);
    expect(state.nodes.get('fz-01')?.openAlarms).toBe(1);
    expect(state.nodes.get('fz-gl-01')?.state).toBe('offline');
    expect(state.alarms.map((a) => a.id)).toEqual([alarm.id]);
    expect(state.pending).toHaveLength(0);
  });

  it('does not count twice an alarm the snapshot already contains', () => {
    const alarm = alarmView({ origin: 'fz-01' });
    const map = mapResponse();
    // The center counted this alarm in its snapshot already.
    map.nodes = map.nodes.map((n) => (n.id === 'fz-01' || n.id === 'fz' ? { ...n, openAlarms: 1, topPriority: 2 } : n));
    const state = run([
      { type: 'snapshot:requested' },
      { type: 'event', event: { type: 'alarm:new', alarm } },
      { type: 'snapshot:loaded', map, alarms: [alarm], queue: NO_QUEUE },
    ]);
    expect(state.nodes.get('fz-01')?.openAlarms).toBe(1);
    expect(state.nodes.get('fz')?.openAlarms).toBe(1);
  });

  it('marks a new priority-1 or -2 alarm as urgent, but not a priority-3 one', () => {
    const loaded = run([{ type: 'snapshot:loaded', map: mapResponse(), alarms: [], queue: NO_QUEUE }]);
    const urgent = alarmView({ priority: 1 });
    const routine = alarmView({ priority: 3 });
    const afterUrgent = run([{ type: 'event', event: { type: 'alarm:new', alarm: urgent } }], loaded);
    expect(afterUrgent.lastUrgentAlarm?.id).toBe(urgent.id);
    const afterRoutine = run([{ type: 'event', event: { type: 'alarm:new', alarm: routine } }], afterUrgent);
    expect(afterRoutine.lastUrgentAlarm?.id).toBe(urgent.id);
  });

  it('keeps alarms received earlier when a reload brings only the newest page', () => {
    const earlier = alarmView({ receivedAt: '2025-01-01T06:00:00.000Z' });
    const newest = alarmView({ receivedAt: '2025-01-01T09:00:00.000Z' });
    const state = run([
      { type: 'snapshot:loaded', map: mapResponse(), alarms: [earlier], queue: NO_QUEUE },
      { type: 'snapshot:requested' },
      { type: 'snapshot:loaded', map: mapResponse(), alarms: [newest], queue: NO_QUEUE },
    ]);
    expect(state.alarms.map((a) => a.id)).toEqual([newest.id, earlier.id]);
  });

  it('keeps the last picture and reports why when a reload fails', () => {
    const state = run([
      { type: 'snapshot:loaded', map: mapResponse(), alarms: [], queue: NO_QUEUE },
      { type: 'snapshot:requested' },
      { type: 'snapshot:failed', message: 'HTTP 502' },
    ]);
    expect(state.snapshot).toBe('failed');
    expect(state.failure).toBe('HTTP 502');
    expect(state.nodes.size).toBe(5);
  });

  it('updates the status of a listed alarm', () => {
    const alarm = alarmView();
    const state = run([
      { type: 'snapshot:loaded', map: mapResponse(), alarms: [alarm], queue: NO_QUEUE },
      { type: 'event', event: { type: 'alarm:updated', alarm: { ...alarm, status: 'acknowledged' } } },
    ]);
    expect(state.alarms[0]?.status).toBe('acknowledged');
  });

  it('keeps the open queue in step: an escalation adds it, an action answer moves it, closing removes it', () => {
    const mine = alarmView({ priority: 2 });
    const escalated = alarmView({ priority: 1, responsible: false });
    const loaded = run([
      { type: 'snapshot:loaded', map: mapResponse(), alarms: [], queue: { ok: true, alarms: [mine, escalated] } },
    ]);
    expect(loaded.queue.alarms.map((a) => a.id)).toEqual([escalated.id, mine.id]);
    expect(loaded.queue.lastArrival).toBeNull();

    const escalatedHere = run(
      [{ type: 'event', event: { type: 'alarm:updated', alarm: { ...escalated, responsible: true } } }],
      loaded,
    );
    expect(escalatedHere.queue.lastArrival).toEqual({ id: escalated.id, priority: 1 });

    const acted = run([{ type: 'alarm:acted', alarm: { ...mine, status: 'acknowledged' } }], escalatedHere);
    expect(acted.queue.alarms.find((a) => a.id === mine.id)?.status).toBe('acknowledged');

    const closed = run([{ type: 'alarm:acted', alarm: { ...mine, status: 'closed' } }], acted);
    expect(closed.queue.alarms.map((a) => a.id)).toEqual([escalated.id]);
  });

  it('keeps the map when only the queue fails to load, and says why', () => {
    const state = run([
      { type: 'snapshot:loaded', map: mapResponse(), alarms: [], queue: { ok: false, message: 'HTTP 404' } },
    ]);
    expect(state.snapshot).toBe('ready');
    expect(state.queue.failure).toBe('HTTP 404');
  });
});
