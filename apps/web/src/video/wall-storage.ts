import { parseCameraRef, type CameraRef } from './camera-ref';
import { clampDwell, type Tour } from './tour';
import { DEFAULT_LAYOUT, emptyCells, isWallLayout, MAX_CELLS, type WallCells, type WallLayout } from './wall-layout';

/** What the video wall keeps in localStorage, so a reload (or a restarted wall PC) comes back the same. */
const KEYS = {
  layout: 'bsm.videoWall.layout',
  cells: 'bsm.videoWall.cells',
  tours: 'bsm.videoWall.tours',
} as const;

type ReadStorage = Pick<Storage, 'getItem'> | undefined;
type WriteStorage = Pick<Storage, 'setItem'> | undefined;

/** The parsed JSON under a key, or undefined when missing, unreadable or the storage throws (privacy mode). */
function readJson(storage: ReadStorage, key: string): unknown {
  try {
    const text = storage?.getItem(key) ?? null;
    return text === null ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

function writeJson(storage: WriteStorage, key: string, value: unknown): void {
  try {
    storage?.setItem(key, JSON.stringify(value));
  } catch {
    // Not persisted; the wall still works for this page.
  }
}

export function readLayout(storage: ReadStorage): WallLayout {
  const value = readJson(storage, KEYS.layout);
  return isWallLayout(value) ? value : DEFAULT_LAYOUT;
}

export const writeLayout = (storage: WriteStorage, layout: WallLayout): void => writeJson(storage, KEYS.layout, layout);

export function readCells(storage: ReadStorage): WallCells {
  const value = readJson(storage, KEYS.cells);
  const cells = [...emptyCells()];
  if (Array.isArray(value)) {
    value.slice(0, MAX_CELLS).forEach((entry: unknown, index) => {
      cells[index] = parseCameraRef(entry);
    });
  }
  return cells;
}

export const writeCells = (storage: WriteStorage, cells: WallCells): void => writeJson(storage, KEYS.cells, cells);

function parseTour(value: unknown): Tour | null {
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  const { id, name, cameras, dwellSec } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof name !== 'string' || !Array.isArray(cameras) || typeof dwellSec !== 'number') {
    return null;
  }
  const refs = cameras.map(parseCameraRef).filter((ref): ref is CameraRef => ref !== null);
  return { id, name, cameras: refs, dwellSec: clampDwell(dwellSec) };
}

export function readTours(storage: ReadStorage): Tour[] {
  const value = readJson(storage, KEYS.tours);
  return Array.isArray(value) ? value.map(parseTour).filter((tour): tour is Tour => tour !== null) : [];
}

export const writeTours = (storage: WriteStorage, tours: readonly Tour[]): void =>
  writeJson(storage, KEYS.tours, tours);

/** The browser's localStorage, or undefined outside a browser (unit tests). */
export const browserStorage = (): Storage | undefined =>
  typeof window === 'undefined' ? undefined : window.localStorage;
