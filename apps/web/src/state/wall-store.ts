import { createReducerStore, type ReducerStore } from './reducer-store';
import { initialWallState, wallReducer, type WallAction, type WallState } from './wall-state';

export type WallStore = ReducerStore<WallState, WallAction>;

export function createWallStore(initial: WallState = initialWallState): WallStore {
  return createReducerStore(wallReducer, initial);
}
