import { CR, LF, MAX_FRAME_LENGTH } from './frame.js';

export interface SplitResult {
  /** Whole frames, `<LF>` to `<CR>` included, in arrival order; not yet checked. */
  frames: string[];
  /** Characters thrown away: noise between frames, or a runaway frame that never ended. */
  discarded: number;
}

/**
 * Cuts a TCP byte stream into DC-09 frames. TCP keeps no message boundaries: a frame may arrive in several
 * chunks and one chunk may hold several frames, so the splitter keeps what it has not used yet.
 *
 * A frame ends at `<CR>` (which cannot occur inside one: the body is printable ASCII or hex) and starts at the
 * last `<LF>` before it, so noise before a frame is skipped rather than glued onto it. The buffer is bounded: a
 * sender that never sends `<CR>` cannot make the agent hold more than one maximal frame.
 */
export class FrameSplitter {
  private buffer = '';

  constructor(private readonly maxFrameLength = MAX_FRAME_LENGTH) {}

  /** Characters held, waiting for the rest of a frame. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Adds a chunk (decoded as latin1, one character per byte) and returns the frames it completes. */
  push(chunk: string): SplitResult {
    this.buffer += chunk;
    const frames: string[] = [];
    let discarded = 0;
    for (;;) {
      const end = this.buffer.indexOf(CR);
      if (end < 0) {
        break;
      }
      const segment = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 1);
      const start = segment.lastIndexOf(LF);
      if (start < 0) {
        discarded += segment.length + 1;
        continue;
      }
      discarded += start;
      frames.push(`${segment.slice(start)}${CR}`);
    }
    if (this.buffer.length > this.maxFrameLength) {
      // No CR within a whole frame's length: keep only a tail that could still be the start of a real frame.
      const start = this.buffer.lastIndexOf(LF);
      const keep = start >= 0 && this.buffer.length - start <= this.maxFrameLength ? this.buffer.slice(start) : '';
      discarded += this.buffer.length - keep.length;
      this.buffer = keep;
    }
    return { frames, discarded };
  }
}
