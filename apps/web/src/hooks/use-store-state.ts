import { useSyncExternalStore } from 'react';
import type { ReducerStore } from '../state/reducer-store';

/**
 * One slice of a store's state. The selector must return something already in
 * the state (not a new object), so unchanged slices do not re-render.
 */
export function useStoreState<S, T>(
  store: Pick<ReducerStore<S, never>, 'getState' | 'subscribe'>,
  select: (state: S) => T,
): T {
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
