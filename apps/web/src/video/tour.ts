import type { CameraRef } from './camera-ref';
import type { WallCells, WallLayout } from './wall-layout';

/** A tour (轮巡): cameras shown through the wall's cells page by page, each page for `dwellSec`. */
export interface Tour {
  id: string;
  name: string;
  cameras: CameraRef[];
  dwellSec: number;
}

export const MIN_DWELL_SEC = 10;
export const MAX_DWELL_SEC = 300;
export const DEFAULT_DWELL_SEC = 30;

export const clampDwell = (seconds: number): number =>
  Number.isFinite(seconds) ? Math.min(MAX_DWELL_SEC, Math.max(MIN_DWELL_SEC, Math.round(seconds))) : DEFAULT_DWELL_SEC;

/** Pages of a tour on a wall of `cellsPerPage` cells (at least one, even for an empty tour). */
export const tourPageCount = (cameraCount: number, cellsPerPage: number): number =>
  Math.max(1, Math.ceil(cameraCount / Math.max(1, cellsPerPage)));

/** The cameras of one page, padded with free cells on the last page. */
export function tourPage(cameras: readonly CameraRef[], cellsPerPage: number, page: number): (CameraRef | null)[] {
  const pages = tourPageCount(cameras.length, cellsPerPage);
  const start = (((page % pages) + pages) % pages) * cellsPerPage;
  return Array.from({ length: cellsPerPage }, (_, index) => cameras[start + index] ?? null);
}

/** The wall's cells with the visible ones showing a tour page; hidden cells beyond the layout are left alone. */
export function applyTourPage(
  cells: WallCells,
  cameras: readonly CameraRef[],
  layout: WallLayout,
  page: number,
): WallCells {
  const shown = tourPage(cameras, layout, page);
  return cells.map((cell, index) => (index < layout ? (shown[index] ?? null) : cell));
}

/** A tour being played: which page, and when the next one is due (or how much was left when paused). */
export type TourRun =
  | { tourId: string; status: 'running'; page: number; dueAt: number }
  | { tourId: string; status: 'paused'; page: number; remainingMs: number };

export const startRun = (tour: Tour, now: number): TourRun => ({
  tourId: tour.id,
  status: 'running',
  page: 0,
  dueAt: now + clampDwell(tour.dwellSec) * 1000,
});

export const pauseRun = (run: TourRun, now: number): TourRun =>
  run.status === 'paused'
    ? run
    : { tourId: run.tourId, status: 'paused', page: run.page, remainingMs: Math.max(0, run.dueAt - now) };

export const resumeRun = (run: TourRun, now: number): TourRun =>
  run.status === 'running'
    ? run
    : { tourId: run.tourId, status: 'running', page: run.page, dueAt: now + run.remainingMs };

/**
 * Advances a running tour whose page is due to the next page (wrapping round),
 * one page per tick even after a long sleep, so no page is skipped unseen.
 * Returns the same object when nothing changes.
 */
export function tickRun(run: TourRun, tour: Tour, layout: WallLayout, now: number): TourRun {
  if (run.status !== 'running' || now < run.dueAt) {
    return run;
  }
  const pages = tourPageCount(tour.cameras.length, layout);
  return { ...run, page: (run.page + 1) % pages, dueAt: now + clampDwell(tour.dwellSec) * 1000 };
}
