import { describe, expect, it } from 'vitest';
import type { CameraRef } from './camera-ref';
import {
  assignCell,
  closeCell,
  emptyCells,
  firstFreeCell,
  gridSide,
  isWallLayout,
  moveCell,
  placeCamera,
  placeCameras,
  visibleCells,
  WALL_LAYOUTS,
} from './wall-layout';

const camera = (id: string): CameraRef => ({
  cameraId: id,
  cameraName: `摄像机 ${id}`,
  nodeId: 'fz-01',
  nodeName: '福州分行营业部',
  ptz: false,
});

describe('wall layouts', () => {
  it('are squares of 1, 2, 3 and 4 cells a side', () => {
    expect(WALL_LAYOUTS.map(gridSide)).toEqual([1, 2, 3, 4]);
    expect(isWallLayout(9)).toBe(true);
    expect(isWallLayout(6)).toBe(false);
    expect(isWallLayout('4')).toBe(false);
  });

  it('show only the cells of the layout', () => {
    const cells = assignCell(emptyCells(), 5, camera('c5'));
    expect(visibleCells(cells, 4)).toEqual([null, null, null, null]);
    expect(visibleCells(cells, 9)[5]?.cameraId).toBe('c5');
  });
});

describe('cell assignment', () => {
  it('drops a camera into a free cell', () => {
    const cells = assignCell(emptyCells(), 2, camera('a'));
    expect(cells[2]?.cameraId).toBe('a');
    expect(cells.filter((cell) => cell !== null)).toHaveLength(1);
  });

  it('replaces the camera of an occupied cell on drop', () => {
    const before = assignCell(emptyCells(), 0, camera('a'));
    const after = assignCell(before, 0, camera('b'));
    expect(after[0]?.cameraId).toBe('b');
    expect(before[0]?.cameraId).toBe('a');
  });

  it('ignores a drop outside the wall', () => {
    const cells = emptyCells();
    expect(assignCell(cells, 16, camera('a'))).toBe(cells);
    expect(assignCell(cells, -1, camera('a'))).toBe(cells);
  });

  it('frees a cell on close, and the next double-click fills it first', () => {
    let cells = emptyCells();
    for (const [index, id] of ['a', 'b', 'c', 'd'].entries()) {
      cells = assignCell(cells, index, camera(id));
    }
    expect(firstFreeCell(cells, 4)).toBeNull();
    cells = closeCell(cells, 1);
    expect(cells[1]).toBeNull();
    expect(firstFreeCell(cells, 4)).toBe(1);
    const placed = placeCamera(cells, 4, camera('e'));
    expect(placed.index).toBe(1);
    expect(placed.cells[1]?.cameraId).toBe('e');
  });

  it('does not play a camera twice: placing one already shown selects its cell', () => {
    const cells = assignCell(emptyCells(), 3, camera('a'));
    const placed = placeCamera(cells, 4, camera('a'));
    expect(placed).toEqual({ cells, index: 3 });
  });

  it('replaces the last visible cell when the wall is full', () => {
    let cells = emptyCells();
    cells = assignCell(cells, 0, camera('a'));
    const placed = placeCamera(cells, 1, camera('b'));
    expect(placed.index).toBe(0);
    expect(placed.cells[0]?.cameraId).toBe('b');
  });

  it('swaps two cells when one is dragged onto the other', () => {
    let cells = assignCell(emptyCells(), 0, camera('a'));
    cells = assignCell(cells, 1, camera('b'));
    const moved = moveCell(cells, 0, 1);
    expect(moved[0]?.cameraId).toBe('b');
    expect(moved[1]?.cameraId).toBe('a');
    expect(moveCell(cells, 0, 0)).toBe(cells);
  });
});

describe("placing an alarm's cameras", () => {
  const fill = (ids: string[]) => ids.reduce((cells, id, index) => assignCell(cells, index, camera(id)), emptyCells());
  const shown = (cells: ReturnType<typeof emptyCells>, layout: number) =>
    cells.slice(0, layout).map((cell) => cell?.cameraId ?? null);

  it('puts them in free cells, keeps one already playing, and selects the first', () => {
    const placed = placeCameras(fill(['a', 'x']), 4, [camera('x'), camera('b')]);
    expect(placed.layout).toBe(4);
    expect(shown(placed.cells, 4)).toEqual(['a', 'x', 'b', null]);
    expect(placed.index).toBe(1);
  });

  it('grows the wall rather than replace what the officer watches', () => {
    const placed = placeCameras(fill(['a', 'b', 'c']), 4, [camera('p'), camera('q'), camera('p')]);
    expect(placed.layout).toBe(9);
    expect(shown(placed.cells, 9)).toEqual(['a', 'b', 'c', 'p', 'q', null, null, null, null]);
    expect(placed.index).toBe(3);
  });

  it('on a full 4×4 wall takes the last cells, one camera each', () => {
    const ids = Array.from({ length: 16 }, (_, i) => `c${i}`);
    const placed = placeCameras(fill(ids), 16, [camera('p'), camera('q')]);
    expect(placed.layout).toBe(16);
    expect(placed.cells[15]?.cameraId).toBe('p');
    expect(placed.cells[14]?.cameraId).toBe('q');
    expect(placed.cells[13]?.cameraId).toBe('c13');
    expect(placed.index).toBe(15);
  });
});
