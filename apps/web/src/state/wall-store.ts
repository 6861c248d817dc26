import { initialWallState, wallReducer, type WallAction, type WallState } from './wall-state';

// Function-valued properties, not methods: React calls them detached (useSyncExternalStore(store.subscribe, …)).
export interface WallStore {
  getState: () => WallState;
  dispatch: (action: WallAction) => void;
  subscribe: (listener: () => void) => () => void;
}

/** A minimal external store for useSyncExternalStore: the reducer does the work, this only holds and notifies. */
export function createWallStore(initial: WallState = initialWallState): WallStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action) {
      const next = wallReducer(state, action);
      if (next !== state) {
        state = next;
        for (const listener of listeners) {
          listener();
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
