import type { WallState } from '../state/wall-state';
import type { WallStore } from '../state/wall-store';
import { useStoreState } from './use-store-state';

/**
 * One slice of the wall state. The selector must return something already in
 * the state (not a new object), so unchanged slices do not re-render.
 */
export function useWallState<T>(store: WallStore, select: (state: WallState) => T): T {
  return useStoreState(store, select);
}
