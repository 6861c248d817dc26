import { describe, expect, it } from 'vitest';
import { FrameSplitter } from './splitter.js';

const A = '\n96ED0016"SIA-DCS"0001L0#1234[]\r';
const B = '\nF4D20029"SIA-DCS"0001RF3L77#1234[#1234|NRR|Atest]\r';

describe('FrameSplitter', () => {
  it('returns a frame that arrives whole', () => {
    expect(new FrameSplitter().push(A)).toEqual({ frames: [A], discarded: 0 });
  });

  it('joins a frame split across chunks, at every possible cut', () => {
    for (let cut = 1; cut < A.length; cut++) {
      const splitter = new FrameSplitter();
      expect(splitter.push(A.slice(0, cut)).frames).toEqual([]);
      expect(splitter.push(A.slice(cut)).frames).toEqual([A]);
      expect(splitter.pending).toBe(0);
    }
  });

  it('separates frames coalesced in one chunk, keeping the start of the next', () => {
    const splitter = new FrameSplitter();
    expect(splitter.push(A + B + A.slice(0, 7)).frames).toEqual([A, B]);
    expect(splitter.push(A.slice(7)).frames).toEqual([A]);
  });

  it('skips noise between frames and a frame start that never ended', () => {
    const splitter = new FrameSplitter();
    const { frames, discarded } = splitter.push(`garbage\r${A}\nhalf a frame${B}`);
    expect(frames).toEqual([A, B]);
    expect(discarded).toBe('garbage\r'.length + '\nhalf a frame'.length);
  });

  it('bounds its buffer when no CR comes, and recovers at the next frame', () => {
    const splitter = new FrameSplitter(64);
    const result = splitter.push('\n' + 'x'.repeat(200));
    expect(result.frames).toEqual([]);
    expect(splitter.pending).toBe(0);
    expect(splitter.push(A).frames).toEqual([A]);
  });
});
