import type { AlarmView, BasemapConfig, CenterInfo, MapResponse, NodeState } from '@bsm/protocol';
import { mergeAlarms, replaceAlarm } from './alarm-list';
import { applyQueueAlarm, initialQueueState, loadQueue, type QueueLoad, type QueueState } from './alarm-queue';
import { applyNewAlarm, applyNodeState, indexNodes, type NodeIndex } from './node-index';

/** What the center pushes that changes the wall. */
export type WallEvent =
  | { type: 'alarm:new'; alarm: AlarmView }
  | { type: 'alarm:updated'; alarm: AlarmView }
  | { type: 'node:state'; state: NodeState };

export type WallAction =
  /** A fresh snapshot (map + alarms) is on its way; events are held until it lands. */
  | { type: 'snapshot:requested' }
  | { type: 'snapshot:loaded'; map: MapResponse; alarms: readonly AlarmView[]; queue: QueueLoad }
  /** An officer's action answered with the alarm's new version; shown at once, before the push arrives. */
  | { type: 'alarm:acted'; alarm: AlarmView }
  | { type: 'snapshot:failed'; message: string }
  | { type: 'event'; event: WallEvent };

export interface WallState {
  snapshot: 'loading' | 'ready' | 'failed';
  /** Why the last snapshot failed, for the banner. */
  failure: string | null;
  center: CenterInfo | null;
  basemap: BasemapConfig | null;
  nodes: NodeIndex;
  alarms: readonly AlarmView[];
  /** Events that came while a snapshot was loading, replayed on top of it. */
  pending: readonly WallEvent[];
  /** The latest new priority-1/2 alarm, so the page can flash once per alarm. */
  lastUrgentAlarm: { id: string; priority: number } | null;
  /** The alarm console's queue of open alarms. */
  queue: QueueState;
}

export const initialWallState: WallState = {
  snapshot: 'loading',
  failure: null,
  center: null,
  basemap: null,
  nodes: new Map(),
  alarms: [],
  pending: [],
  lastUrgentAlarm: null,
  queue: initialQueueState,
};

/** Priorities that flash the wall and sound the tone. */
export const isUrgentPriority = (priority: number): boolean => priority <= 2;

/** Events held during one snapshot load; far more than any burst, and bounded so a stuck load cannot grow forever. */
const PENDING_LIMIT = 5_000;

function applyEvent(state: WallState, event: WallEvent): WallState {
  switch (event.type) {
    case 'alarm:new': {
      // A redelivered alarm is shown and counted once.
      if (state.alarms.some((alarm) => alarm.id === event.alarm.id)) {
        return state;
      }
      return {
        ...state,
        nodes: applyNewAlarm(state.nodes, event.alarm),
        alarms: mergeAlarms(state.alarms, [event.alarm]),
        queue: applyQueueAlarm(state.queue, event.alarm),
        lastUrgentAlarm: isUrgentPriority(event.alarm.priority)
          ? { id: event.alarm.id, priority: event.alarm.priority }
          : state.lastUrgentAlarm,
      };
    }
    case 'alarm:updated':
      return {
        ...state,
        alarms: replaceAlarm(state.alarms, event.alarm),
        queue: applyQueueAlarm(state.queue, event.alarm),
      };
    case 'node:state':
      return { ...state, nodes: applyNodeState(state.nodes, event.state) };
  }
}

/** Pure state transitions of the map wall. */
export function wallReducer(state: WallState, action: WallAction): WallState {
  switch (action.type) {
    case 'snapshot:requested':
      // Keep showing the old picture while the new one loads.
      return { ...state, snapshot: 'loading', pending: [] };
    case 'snapshot:loaded': {
      const fresh: WallState = {
        ...state,
        snapshot: 'ready',
        failure: null,
        center: action.map.center,
        basemap: action.map.basemap,
        nodes: indexNodes(action.map.nodes),
        // Alarms received live beyond the first page stay listed; the snapshot's versions win.
        alarms: mergeAlarms(state.alarms, action.alarms),
        queue: loadQueue(state.queue, action.queue),
        pending: [],
      };
      // An alarm the snapshot already lists is already in its counts; applyEvent skips it by id.
      return state.pending.reduce(applyEvent, fresh);
    }
    case 'snapshot:failed': {
      const withPending = state.pending.reduce(applyEvent, { ...state, pending: [] });
      return { ...withPending, snapshot: 'failed', failure: action.message };
    }
    case 'alarm:acted':
      // Not held during a snapshot load: the answer is newer than anything the snapshot can hold.
      return applyEvent(state, { type: 'alarm:updated', alarm: action.alarm });
    case 'event':
      if (state.snapshot === 'loading') {
        return state.pending.length >= PENDING_LIMIT ? state : { ...state, pending: [...state.pending, action.event] };
      }
      return applyEvent(state, action.event);
  }
}
