import type { AlarmView, BranchPanelResponse, MapNode, NodeState, PanelZone } from '@bsm/protocol';

/** A panic or duress the staff pressed, until the center reports the alarm it became. */
export interface PendingRaise {
  alarmId: string;
  type: 'panic' | 'duress';
  /** When the branch confirmed raising it (ISO). */
  at: string;
}

/** What the center pushes that changes the panel. */
export type PanelEvent = { type: 'alarm'; alarm: AlarmView } | { type: 'node:state'; state: NodeState };

export type PanelAction =
  | { type: 'load:requested' }
  | { type: 'load:done'; panel: BranchPanelResponse }
  | { type: 'load:failed'; message: string }
  | { type: 'event'; event: PanelEvent }
  | { type: 'raised'; raise: PendingRaise }
  | { type: 'zone'; zone: PanelZone };

export interface PanelState {
  load: 'loading' | 'ready' | 'failed';
  failure: string | null;
  branch: MapNode | null;
  /** Open alarms first (newest first), then closed ones (newest first). */
  alarms: readonly AlarmView[];
  /** null while the branch's alarm panel cannot be reached. */
  zones: readonly PanelZone[] | null;
  raising: readonly PendingRaise[];
  /** Events that came while a load was on its way, replayed on top of it. */
  held: readonly PanelEvent[];
}

export const initialPanelState: PanelState = {
  load: 'loading',
  failure: null,
  branch: null,
  alarms: [],
  zones: null,
  raising: [],
  held: [],
};

/** The panel shows a day of alarms (the center sends the last 24 h); far more is not useful at a counter. */
const ALARM_LIMIT = 100;
/** Bounded, so a load that never ends cannot grow the held events forever. */
const HELD_LIMIT = 1_000;

const isOpen = (alarm: AlarmView): boolean => alarm.status !== 'closed';

function ordered(alarms: readonly AlarmView[]): AlarmView[] {
  return [...alarms]
    .sort((a, b) => Number(isOpen(b)) - Number(isOpen(a)) || b.receivedAt.localeCompare(a.receivedAt))
    .slice(0, ALARM_LIMIT);
}

function withoutRaised(raising: readonly PendingRaise[], alarms: readonly AlarmView[]): readonly PendingRaise[] {
  if (raising.length === 0) {
    return raising;
  }
  const known = new Set(alarms.map((alarm) => alarm.id));
  const left = raising.filter((raise) => !known.has(raise.alarmId));
  return left.length === raising.length ? raising : left;
}

function applyEvent(state: PanelState, event: PanelEvent): PanelState {
  switch (event.type) {
    case 'alarm': {
      const { alarm } = event;
      const branchId = state.branch?.id;
      // The socket already carries only this branch's alarms; an alarm about another node is not the panel's.
      if (branchId !== undefined && alarm.origin !== branchId && alarm.subject !== branchId) {
        return state;
      }
      const alarms = ordered([...state.alarms.filter((a) => a.id !== alarm.id), alarm]);
      return { ...state, alarms, raising: withoutRaised(state.raising, [alarm]) };
    }
    case 'node:state': {
      if (state.branch === null || event.state.nodeId !== state.branch.id) {
        return state;
      }
      const branch = { ...state.branch, state: event.state.state, stateSince: event.state.since };
      // The zones came from the agent; once it is gone they are no longer known.
      return { ...state, branch, zones: event.state.state === 'offline' ? null : state.zones };
    }
  }
}

export function panelReducer(state: PanelState, action: PanelAction): PanelState {
  switch (action.type) {
    case 'load:requested':
      return state.load === 'loading' && state.branch === null ? state : { ...state, load: 'loading' };
    case 'load:done': {
      const { panel } = action;
      let next: PanelState = {
        ...state,
        load: 'ready',
        failure: null,
        branch: panel.branch,
        alarms: ordered(panel.alarms),
        zones: panel.zones,
        raising: withoutRaised(state.raising, panel.alarms),
        held: [],
      };
      for (const event of state.held) {
        next = applyEvent(next, event);
      }
      return next;
    }
    case 'load:failed':
      return { ...state, load: 'failed', failure: action.message, held: [] };
    case 'event':
      if (state.load === 'loading') {
        return { ...applyEvent(state, action.event), held: [...state.held, action.event].slice(-HELD_LIMIT) };
      }
      return applyEvent(state, action.event);
    case 'raised':
      if (state.alarms.some((alarm) => alarm.id === action.raise.alarmId)) {
        return state;
      }
      return { ...state, raising: [...state.raising, action.raise] };
    case 'zone': {
      if (state.zones === null) {
        return state;
      }
      return { ...state, zones: state.zones.map((zone) => (zone.zone === action.zone.zone ? action.zone : zone)) };
    }
  }
}
