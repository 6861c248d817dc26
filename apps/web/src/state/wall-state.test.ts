import { describe, expect, it } from 'vitest';
import { alarmView, mapResponse } from '../test-support/fixtures';
import { initialWallState, wallReducer, type WallAction, type WallState } from './wall-state';

const run = (actions: WallAction[], state: WallState = initialWallState): WallState =>
  actions.reduce(wallReducer, state);

describe('wallReducer', () => {
  it('shows the snapshot once loaded', () => {
    const existing = alarmView();
    const state = run([
      { type: 'snapshot:requested' },
      { type: 'snapshot:loaded', map: mapResponse(), alarms: [existing] },
    ]);
    expect(state.snapshot).toBe('ready');
    expect(state.center?.name).toBe('福州市分行监控中心');
    expect(state.nodes.size).toBe(5);
    expect(state.alarms.map((a) => a.id)).toEqual([existing.id]);
  });

  it('prepends a live alarm and turns its branch and centers red', () => {
    const alarm = alarmView({ origin: 'fz-gl-02', priority: 1 });
    const state = run([
      { type: 'snapshot:loaded', map: mapResponse(), alarms: [alarmView({ receivedAt: '2025-01-01T07:00:00.000Z' })] },
      { type: 'event', event: { type: 'alarm:new', alarm } },
    ]);
    expect(state.alarms[0]?.id).toBe(alarm.id);
    expect(state.nodes.get('fz-gl-02')).toMatchObject({ openAlarms: 1, topPriority: 1 });
    expect(state.nodes.get('fz')).toMatchObject({ openAlarms: 1, topPriority: 1 });
  });

  it('counts an alarm received twice once', () => {
    const alarm = alarmView({ origin: 'fz-01' });
    const event: WallAction = { type: 'event', event: { type: 'alarm:new', alarm } };
    const state = run([{ type: 'snapshot:loaded', map: mapResponse(), alarms: [] }, event, event]);
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
      { type: 'snapshot:loaded', map: mapResponse(), alarms: [] },
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
      { type: 'snapshot:loaded', map, alarms: [alarm] },
    ]);
    expect(state.nodes.get('fz-01')?.openAlarms).toBe(1);
    expect(state.nodes.get('fz')?.openAlarms).toBe(1);
  });

  it('marks a new priority-1 or -2 alarm as urgent, but not a priority-3 one', () => {
    const loaded = run([{ type: 'snapshot:loaded', map: mapResponse(), alarms: [] }]);
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
      { type: 'snapshot:loaded', map: mapResponse(), alarms: [earlier] },
      { type: 'snapshot:requested' },
      { type: 'snapshot:loaded', map: mapResponse(), alarms: [newest] },
    ]);
    expect(state.alarms.map((a) => a.id)).toEqual([newest.id, earlier.id]);
  });

  it('keeps the last picture and reports why when a reload fails', () => {
    const state = run([
      { type: 'snapshot:loaded', map: mapResponse(), alarms: [] },
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
      { type: 'snapshot:loaded', map: mapResponse(), alarms: [alarm] },
      { type: 'event', event: { type: 'alarm:updated', alarm: { ...alarm, status: 'acknowledged' } } },
    ]);
    expect(state.alarms[0]?.status).toBe('acknowledged');
  });
});
