import { describe, expect, it } from 'vitest';
import { snapshotFileName } from './snapshot';
import { assignCell, emptyCells } from './wall-layout';
import { readCells, readLayout, readTours, writeCells, writeLayout, writeTours } from './wall-storage';

const memoryStorage = (): Pick<Storage, 'getItem' | 'setItem'> => {
  const values = new Map<string, string>();
  return { getItem: (key) => values.get(key) ?? null, setItem: (key, value) => void values.set(key, value) };
};

const camera = { cameraId: 'cam-1', cameraName: '营业厅', nodeId: 'fz-01', nodeName: '福州分行营业部', ptz: true };

describe('video wall storage', () => {
  it('keeps the layout, defaulting to 4 and ignoring junk', () => {
    const storage = memoryStorage();
    expect(readLayout(storage)).toBe(4);
    writeLayout(storage, 9);
    expect(readLayout(storage)).toBe(9);
    storage.setItem('bsm.videoWall.layout', '7');
    expect(readLayout(storage)).toBe(4);
    expect(readLayout(undefined)).toBe(4);
  });

  it('keeps the cameras of the cells, dropping entries that are not cameras', () => {
    const storage = memoryStorage();
    writeCells(storage, assignCell(emptyCells(), 2, camera));
    const cells = readCells(storage);
    expect(cells).toHaveLength(16);
    expect(cells[2]).toEqual(camera);
    storage.setItem('bsm.videoWall.cells', JSON.stringify([{ cameraId: 5 }, camera]));
    expect(readCells(storage).slice(0, 2)).toEqual([null, camera]);
    storage.setItem('bsm.videoWall.cells', '{not json');
    expect(readCells(storage).every((cell) => cell === null)).toBe(true);
  });

  it('keeps tours with a dwell clamped to 10–300 s', () => {
    const storage = memoryStorage();
    writeTours(storage, [{ id: 't1', name: '金库', cameras: [camera], dwellSec: 20 }]);
    expect(readTours(storage)).toEqual([{ id: 't1', name: '金库', cameras: [camera], dwellSec: 20 }]);
    storage.setItem('bsm.videoWall.tours', JSON.stringify([{ id: 't2', name: 'x', cameras: [], dwellSec: 2 }, 'junk']));
    expect(readTours(storage)).toEqual([{ id: 't2', name: 'x', cameras: [], dwellSec: 10 }]);
  });

  it('survives a storage that throws', () => {
    const broken = {
      getItem: (): string | null => {
        throw new Error('denied');
      },
      setItem: (): void => {
        throw new Error('denied');
      },
    };
    expect(readTours(broken)).toEqual([]);
    expect(() => writeLayout(broken, 1)).not.toThrow();
  });
});

describe('snapshotFileName', () => {
  it('names the PNG by camera and local time, without characters file systems refuse', () => {
    expect(snapshotFileName('营业厅 1/东', new Date(2025, 0, 2, 3, 4, 5))).toBe('营业厅_1_东_20250102-030405.png');
    expect(snapshotFileName('  ', new Date(2025, 0, 2, 3, 4, 5))).toBe('camera_20250102-030405.png');
  });
});
