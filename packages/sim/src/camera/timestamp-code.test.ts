import { describe, expect, it } from 'vitest';
import {
  TIMESTAMP_CODE,
  cellRect,
  codeCells,
  decodeTimestamp,
  encodeTimestamp,
  paintTimestamp,
} from './timestamp-code.js';

function frame(width: number, height: number, ms: number): Uint8Array {
  const luma = new Uint8Array(width * height).fill(128);
  paintTimestamp(luma, width, height, ms);
  return luma;
}

describe('timestamp code', () => {
  it('lays out 2 guards + 41 bits + parity in 2 rows of 23 blocks of 8×8 at CIF', () => {
    const cells = codeCells();
    expect(cells).toHaveLength(46);
    expect(cells.filter((c) => c.role.kind === 'bit')).toHaveLength(41);
    expect(cells.at(-1)?.role).toEqual({ kind: 'parity' });
    expect(cellRect(0, 0, 352, 288)).toEqual({ x: 16, y: 256, w: 8, h: 8 });
    expect(cellRect(1, 22, 704, 576)).toEqual({ x: 384, y: 528, w: 16, h: 16 });
    expect(TIMESTAMP_CODE.timeBits).toBe(41);
  });

  it.each([0, 1, 1_795_320_216_501, 2 ** 41 - 1])('round-trips %d at CIF and D1', (ms) => {
    expect(decodeTimestamp(frame(352, 288, ms), 352, 288)).toBe(ms);
    expect(decodeTimestamp(frame(704, 576, ms), 704, 576)).toBe(ms);
  });

  it('survives blur and noise around the block centres', () => {
    const ms = 1_700_000_123_456;
    const luma = frame(352, 288, ms);
    const blurred = luma.map((v, i) => Math.max(0, Math.min(255, (v + (luma[i + 1] ?? v)) / 2 + ((i * 7) % 21) - 10)));
    expect(decodeTimestamp(blurred, 352, 288)).toBe(ms);
  });

  it('reads RGBA canvas data with a stride', () => {
    const ms = 1_234_567_890_123;
    const luma = frame(352, 288, ms);
    const rgba = new Uint8ClampedArray(352 * 288 * 4);
    luma.forEach((v, i) => rgba.fill(v, i * 4, i * 4 + 4));
    expect(decodeTimestamp(rgba, 352, 288, TIMESTAMP_CODE, 4)).toBe(ms);
  });

  it('returns null for a flipped bit (parity), a broken guard or no code at all', () => {
    const ms = 1_795_320_216_501;
    const flip = (row: number, column: number): Uint8Array => {
      const luma = frame(352, 288, ms);
      const r = cellRect(row, column, 352, 288);
      for (let y = r.y; y < r.y + r.h; y++) {
        for (let x = r.x; x < r.x + r.w; x++) {
          luma[y * 352 + x] = 255 - (luma[y * 352 + x] ?? 0);
        }
      }
      return luma;
    };
    expect(decodeTimestamp(flip(0, 7), 352, 288)).toBeNull();
    expect(decodeTimestamp(flip(1, 0), 352, 288)).toBeNull();
    expect(decodeTimestamp(new Uint8Array(352 * 288).fill(90), 352, 288)).toBeNull();
    expect(decodeTimestamp(new Uint8Array(10), 352, 288)).toBeNull();
  });

  it('refuses to encode values outside 41 bits', () => {
    expect(() => encodeTimestamp(2 ** 41)).toThrow(RangeError);
    expect(() => encodeTimestamp(1.5)).toThrow(RangeError);
  });
});
