import type { CameraRef } from './camera-ref';

/** Cell counts the wall offers: 1×1, 2×2, 3×3, 4×4. */
export const WALL_LAYOUTS = [1, 4, 9, 16] as const;
export type WallLayout = (typeof WALL_LAYOUTS)[number];
export const DEFAULT_LAYOUT: WallLayout = 4;

export const isWallLayout = (value: unknown): value is WallLayout =>
  typeof value === 'number' && (WALL_LAYOUTS as readonly number[]).includes(value);

/** Columns (= rows) of a square layout. */
export const gridSide = (layout: WallLayout): number => Math.sqrt(layout);

/** One entry per cell of the largest layout; null is a free cell. Never mutated: every change returns a new array. */
export type WallCells = readonly (CameraRef | null)[];

export const MAX_CELLS = 16;
const MAX_LAYOUT: WallLayout = 16;

export const emptyCells = (): WallCells => Array.from({ length: MAX_CELLS }, () => null);

/** Puts a camera into a cell, replacing whatever played there. An index outside the wall changes nothing. */
export function assignCell(cells: WallCells, index: number, camera: CameraRef): WallCells {
  if (!Number.isInteger(index) || index < 0 || index >= cells.length) {
    return cells;
  }
  const next = [...cells];
  next[index] = camera;
  return next;
}

/** Frees a cell (its player stops). */
export function closeCell(cells: WallCells, index: number): WallCells {
  if (cells[index] === undefined || cells[index] === null) {
    return cells;
  }
  const next = [...cells];
  next[index] = null;
  return next;
}

/** The first free cell among the `layout` visible ones, or null when all are taken. */
export function firstFreeCell(cells: WallCells, layout: WallLayout): number | null {
  for (let index = 0; index < layout; index += 1) {
    if ((cells[index] ?? null) === null) {
      return index;
    }
  }
  return null;
}

/**
 * Where a double-clicked (or "watch"-ed) camera goes: the cell already showing
 * it, else the first free visible cell, else the last visible cell (replaced).
 */
export function placeCamera(
  cells: WallCells,
  layout: WallLayout,
  camera: CameraRef,
): { cells: WallCells; index: number } {
  const existing = cells.slice(0, layout).findIndex((cell) => cell?.cameraId === camera.cameraId);
  if (existing >= 0) {
    return { cells, index: existing };
  }
  const index = firstFreeCell(cells, layout) ?? layout - 1;
  return { cells: assignCell(cells, index, camera), index };
}

/**
 * Where several cameras go at once (an alarm's linked cameras): each stays
 * where it already plays, the others take free cells. When the free cells
 * are too few the wall grows to the smallest layout that holds them all, so
 * nothing the officer watches is replaced; only a full 4×4 wall gives up
 * its last cells. `index` is the cell of the first camera.
 */
export function placeCameras(
  cells: WallCells,
  layout: WallLayout,
  cameras: readonly CameraRef[],
): { cells: WallCells; layout: WallLayout; index: number } {
  const unique = cameras.filter(
    (camera, position) => cameras.findIndex((other) => other.cameraId === camera.cameraId) === position,
  );
  const occupied = (size: WallLayout): number => cells.slice(0, size).filter((cell) => cell !== null).length;
  const alreadyShown = (size: WallLayout, camera: CameraRef): boolean =>
    cells.slice(0, size).some((cell) => cell?.cameraId === camera.cameraId);
  const fits = (size: WallLayout): boolean =>
    occupied(size) + unique.filter((camera) => !alreadyShown(size, camera)).length <= size;
  const grown = WALL_LAYOUTS.find((size) => size >= layout && fits(size)) ?? MAX_LAYOUT;
  const next = [...cells];
  const taken = new Set<number>();
  let index = -1;
  for (const camera of unique) {
    let at = next.slice(0, grown).findIndex((cell) => cell?.cameraId === camera.cameraId);
    if (at < 0) {
      at = next.slice(0, grown).findIndex((cell) => cell === null);
    }
    if (at < 0) {
      // A full 4×4 wall: the alarm takes the last cells, one camera each.
      at = grown - 1;
      while (at > 0 && taken.has(at)) {
        at -= 1;
      }
    }
    if (next[at]?.cameraId !== camera.cameraId) {
      next[at] = camera;
    }
    taken.add(at);
    index = index < 0 ? at : index;
  }
  return { cells: next, layout: grown, index: Math.max(index, 0) };
}

/**
 * A move by drag from one cell to another: the two swap (the target's camera,
 * if any, goes to the source cell).
 */
export function moveCell(cells: WallCells, from: number, to: number): WallCells {
  if (from === to || cells[from] === undefined || cells[to] === undefined) {
    return cells;
  }
  const next = [...cells];
  next[to] = cells[from] ?? null;
  next[from] = cells[to] ?? null;
  return next;
}

/** Cells beyond a smaller layout keep their cameras in memory but do not play (hidden). */
export const visibleCells = (cells: WallCells, layout: WallLayout): (CameraRef | null)[] =>
  Array.from({ length: layout }, (_, index) => cells[index] ?? null);
