/**
 * The machine-readable wall-clock timestamp burned into every simulated camera
 * frame: two rows of black/white blocks that encode the milliseconds since the
 * Unix epoch at which the frame was generated. A browser (or a test) decodes
 * it from a decoded frame and subtracts it from its own clock to get the
 * glass-to-glass latency.
 *
 * Kept free of Node imports: the web player imports it as is.
 *
 * Geometry, in pixels of the CIF reference frame (352×288); other sizes scale
 * proportionally (D1 704×576: every number doubles):
 * - blocks of 8×8, a grid of 23 columns × 2 rows whose top-left corner is at
 *   (16, 288 − 32), surrounded by a black quiet zone one block wide;
 * - each row starts with a guard pair: column 0 white, column 1 black;
 * - then the payload, read row by row, left to right: 41 time bits, most
 *   significant first (row 0 holds bits 40…20, row 1 bits 19…0), and one
 *   parity bit (the last cell of row 1) that makes the number of white payload
 *   cells even. White = 1.
 *
 * 41 bits of milliseconds cover the epoch until 2039, so the value is
 * unambiguous without any reference clock.
 */
export const TIMESTAMP_CODE = {
  refWidth: 352,
  refHeight: 288,
  /** Block edge at the reference size. */
  block: 8,
  /** Left edge of column 0 at the reference size. */
  originX: 16,
  /** Distance from the bottom of the frame to the top of row 0, at the reference size. */
  originFromBottom: 32,
  columns: 23,
  rows: 2,
  /** Guard cells at the start of each row. */
  guardColumns: 2,
  timeBits: 41,
} as const;

export type TimestampCodeLayout = typeof TIMESTAMP_CODE;

/** What one cell of the grid carries. */
export type CellRole = { kind: 'guard'; white: boolean } | { kind: 'bit'; bit: number } | { kind: 'parity' };

export interface Cell {
  row: number;
  column: number;
  role: CellRole;
}

/** Every cell of the grid in reading order, with what it carries. */
export function codeCells(layout: TimestampCodeLayout = TIMESTAMP_CODE): Cell[] {
  const cells: Cell[] = [];
  let nextBit = layout.timeBits - 1;
  for (let row = 0; row < layout.rows; row++) {
    for (let column = 0; column < layout.columns; column++) {
      if (column < layout.guardColumns) {
        cells.push({ row, column, role: { kind: 'guard', white: column === 0 } });
      } else if (nextBit >= 0) {
        cells.push({ row, column, role: { kind: 'bit', bit: nextBit } });
        nextBit -= 1;
      } else {
        cells.push({ row, column, role: { kind: 'parity' } });
      }
    }
  }
  return cells;
}

/** A cell rectangle in pixels of a frame of the given size (fractional for odd sizes). */
export interface CellRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function cellRect(
  row: number,
  column: number,
  width: number,
  height: number,
  layout: TimestampCodeLayout = TIMESTAMP_CODE,
): CellRect {
  const sx = width / layout.refWidth;
  const sy = height / layout.refHeight;
  return {
    x: (layout.originX + column * layout.block) * sx,
    y: (layout.refHeight - layout.originFromBottom + row * layout.block) * sy,
    w: layout.block * sx,
    h: layout.block * sy,
  };
}

/** The quiet zone (black background of the whole code) in pixels. */
export function quietZoneRect(width: number, height: number, layout: TimestampCodeLayout = TIMESTAMP_CODE): CellRect {
  const first = cellRect(0, 0, width, height, layout);
  return {
    x: first.x - first.w,
    y: first.y - first.h,
    w: first.w * (layout.columns + 2),
    h: first.h * (layout.rows + 2),
  };
}

function bitOf(ms: number, bit: number): boolean {
  // Division by a power of two is exact for integers below 2^53.
  return Math.floor(ms / 2 ** bit) % 2 === 1;
}

/** White (true) or black for every cell, in `codeCells` order. */
export function encodeTimestamp(ms: number, layout: TimestampCodeLayout = TIMESTAMP_CODE): boolean[] {
  if (!Number.isInteger(ms) || ms < 0 || ms >= 2 ** layout.timeBits) {
    throw new RangeError(`timestamp must be an integer in [0, 2^${layout.timeBits}), got ${ms}`);
  }
  let ones = 0;
  for (let bit = 0; bit < layout.timeBits; bit++) {
    ones += bitOf(ms, bit) ? 1 : 0;
  }
  return codeCells(layout).map(({ role }) => {
    if (role.kind === 'guard') {
      return role.white;
    }
    if (role.kind === 'bit') {
      return bitOf(ms, role.bit);
    }
    return ones % 2 === 1;
  });
}

/** Paints the code into a luma plane (tests, and any renderer that is not ffmpeg). */
export function paintTimestamp(
  luma: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  ms: number,
  layout: TimestampCodeLayout = TIMESTAMP_CODE,
): void {
  const fill = (r: CellRect, value: number): void => {
    for (let y = Math.round(r.y); y < Math.round(r.y + r.h); y++) {
      for (let x = Math.round(r.x); x < Math.round(r.x + r.w); x++) {
        luma[y * width + x] = value;
      }
    }
  };
  fill(quietZoneRect(width, height, layout), 16);
  const values = encodeTimestamp(ms, layout);
  codeCells(layout).forEach((cell, i) => {
    if (values[i] === true) {
      fill(cellRect(cell.row, cell.column, width, height, layout), 235);
    }
  });
}

/** Smallest white − black contrast accepted, so a frame without a code is not read as one. */
const MIN_CONTRAST = 48;

/**
 * Reads the timestamp from a luma plane (one byte per pixel, row-major with
 * `width` bytes per row; for RGBA canvas data pass `stride = 4` and the plane
 * index 0 to sample red, which is enough for black/white blocks).
 * Samples the 3×3 pixels around each cell centre (H.264 blurs the block edges,
 * the centres survive), thresholds halfway between the measured white and
 * black guards, and checks the guards and the parity. Returns null when
 * anything does not check out.
 */
export function decodeTimestamp(
  luma: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  layout: TimestampCodeLayout = TIMESTAMP_CODE,
  stride = 1,
): number | null {
  const sample = (cell: Cell): number => {
    const r = cellRect(cell.row, cell.column, width, height, layout);
    const cx = Math.floor(r.x + r.w / 2);
    const cy = Math.floor(r.y + r.h / 2);
    let sum = 0;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const x = Math.min(width - 1, Math.max(0, cx + dx));
        const y = Math.min(height - 1, Math.max(0, cy + dy));
        sum += luma[(y * width + x) * stride] ?? 0;
      }
    }
    return sum / 9;
  };
  const cells = codeCells(layout);
  if (luma.length < width * height * stride) {
    return null;
  }
  const levels = cells.map(sample);
  let white = 0;
  let black = 0;
  let guards = 0;
  cells.forEach((cell, i) => {
    if (cell.role.kind === 'guard') {
      if (cell.role.white) {
        white += levels[i] ?? 0;
      } else {
        black += levels[i] ?? 0;
      }
      guards += 1;
    }
  });
  white /= guards / 2;
  black /= guards / 2;
  if (white - black < MIN_CONTRAST) {
    return null;
  }
  const threshold = (white + black) / 2;
  let ms = 0;
  let ones = 0;
  let parity = false;
  for (const [i, cell] of cells.entries()) {
    const on = (levels[i] ?? 0) > threshold;
    if (cell.role.kind === 'guard') {
      if (on !== cell.role.white) {
        return null;
      }
    } else if (cell.role.kind === 'bit') {
      if (on) {
        ms += 2 ** cell.role.bit;
        ones += 1;
      }
    } else {
      parity = on;
    }
  }
  return ones % 2 === (parity ? 1 : 0) ? ms : null;
}
