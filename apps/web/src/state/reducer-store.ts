// Function-valued properties, not methods: React calls them detached (useSyncExternalStore(store.subscribe, …)).
export interface ReducerStore<S, A> {
  getState: () => S;
  dispatch: (action: A) => void;
  subscribe: (listener: () => void) => () => void;
}

/**
 * A minimal external store for useSyncExternalStore: the reducer does the
 * work, this only holds the state and notifies when the reducer returned a
 * new one (a reducer answers the same object for "nothing changed").
 */
export function createReducerStore<S, A>(reducer: (state: S, action: A) => S, initial: S): ReducerStore<S, A> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action) {
      const next = reducer(state, action);
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
