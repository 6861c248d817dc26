import { describe, expect, it } from 'vitest';
import type { CameraRef } from './camera-ref';
import {
  applyTourPage,
  clampDwell,
  pauseRun,
  resumeRun,
  startRun,
  tickRun,
  tourPage,
  tourPageCount,
  type Tour,
} from './tour';
import { assignCell, emptyCells } from './wall-layout';

const camera = (id: string): CameraRef => ({ cameraId: id, cameraName: id, nodeId: 'n', nodeName: 'n', ptz: false });
const ids = (cells: readonly (CameraRef | null)[]): (string | null)[] => cells.map((cell) => cell?.cameraId ?? null);

const tour = (count: number, dwellSec = 10): Tour => ({
  id: 't1',
  name: '营业厅轮巡',
  cameras: Array.from({ length: count }, (_, index) => camera(`c${index + 1}`)),
  dwellSec,
});

describe('tour paging', () => {
  it('splits the cameras into pages of the layout, padding the last', () => {
    const cameras = tour(6).cameras;
    expect(tourPageCount(6, 4)).toBe(2);
    expect(ids(tourPage(cameras, 4, 0))).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(ids(tourPage(cameras, 4, 1))).toEqual(['c5', 'c6', null, null]);
    expect(ids(tourPage(cameras, 4, 2))).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(tourPageCount(0, 4)).toBe(1);
  });

  it('fills the visible cells and leaves hidden ones alone', () => {
    const cells = assignCell(emptyCells(), 10, camera('kept'));
    const shown = applyTourPage(cells, tour(6).cameras, 4, 1);
    expect(ids(shown.slice(0, 4))).toEqual(['c5', 'c6', null, null]);
    expect(shown[10]?.cameraId).toBe('kept');
  });

  it('keeps the dwell between 10 and 300 seconds', () => {
    expect(clampDwell(3)).toBe(10);
    expect(clampDwell(45.4)).toBe(45);
    expect(clampDwell(999)).toBe(300);
    expect(clampDwell(Number.NaN)).toBe(30);
  });
});

describe('tour run', () => {
  it('turns the page after each dwell and wraps round', () => {
    const t6 = tour(6, 10);
    let run = startRun(t6, 0);
    expect(run.page).toBe(0);
    expect(tickRun(run, t6, 4, 9_999)).toBe(run);
    run = tickRun(run, t6, 4, 10_000);
    expect(run.page).toBe(1);
    run = tickRun(run, t6, 4, 15_000);
    expect(run.page).toBe(1);
    run = tickRun(run, t6, 4, 20_000);
    expect(run.page).toBe(0);
  });

  it('turns one page per tick even after a long sleep', () => {
    const t9 = tour(9, 10);
    const run = tickRun(startRun(t9, 0), t9, 4, 100_000);
    expect(run.page).toBe(1);
    expect(run.status === 'running' && run.dueAt).toBe(110_000);
  });

  it('stays on its page while paused and resumes with the time that was left', () => {
    const t6 = tour(6, 10);
    const paused = pauseRun(startRun(t6, 0), 4_000);
    expect(paused).toMatchObject({ status: 'paused', page: 0, remainingMs: 6_000 });
    expect(tickRun(paused, t6, 4, 60_000)).toBe(paused);
    const resumed = resumeRun(paused, 60_000);
    expect(tickRun(resumed, t6, 4, 65_999).page).toBe(0);
    expect(tickRun(resumed, t6, 4, 66_000).page).toBe(1);
  });

  it('shows a single page for good when everything fits', () => {
    const t3 = tour(3, 10);
    expect(tickRun(startRun(t3, 0), t3, 4, 10_000).page).toBe(0);
  });
});
