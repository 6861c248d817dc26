import { STREAM_PROFILES, buildCameraArgs } from '@bsm/sim';
import { describe, expect, it } from 'vitest';
import {
  FLASH,
  audioBlocks,
  beepOnsets,
  flashBox,
  flashOnsets,
  heardAtMs,
  pairNearest,
  renderedAtMs,
  summarizeOffsets,
  type AudioBlock,
  type ClockSample,
  type FrameObservation,
} from './av-sync-analysis.js';

const FPS = 15;
const DARK = 105;
const WHITE = 255;

/** `seconds` of frames at 15 fps displayed 16 ms after their media time; lit while `lit(mediaTime)`. */
function frames(seconds: number, lit: (t: number) => boolean, start = 0): FrameObservation[] {
  return Array.from({ length: seconds * FPS }, (_, n) => {
    const mediaTime = start + n / FPS;
    return { mediaTime, displayAtMs: 5000 + mediaTime * 1000 + 16, minLuma: lit(mediaTime) ? WHITE : DARK };
  });
}

const flashing = (t: number): boolean => t % FLASH.periodSec < FLASH.durationSec - 1e-9;

/** 128-sample quanta at 48 kHz from context frame `first`: loud for the first 100 ms of every second after `beepFrom` s. */
function quanta(seconds: number, first = 0, beepFrom = 0): AudioBlock[] {
  const blocks: AudioBlock[] = [];
  for (let frame = first; frame < first + seconds * 48_000; frame += 128) {
    const t = frame / 48_000 - beepFrom;
    const loud = t >= 0 && t % 1 < 0.1;
    blocks.push({ frame, peak: loud ? 0.125 : 0.0004 });
  }
  return blocks;
}

function clock(perfMs: number, contextTime: number, output?: { contextTime: number; perfMs: number }): ClockSample {
  return {
    perfMs,
    contextTime,
    outputContextTime: output?.contextTime ?? 0,
    outputPerfMs: output?.perfMs ?? 0,
    baseLatency: 0.01,
    outputLatency: 0.032,
  };
}

describe('flashBox', () => {
  it('is the 32-pixel box 8 pixels from the top-right corner at CIF, scaled at D1', () => {
    expect(flashBox(STREAM_PROFILES.sub.width)).toEqual({ x: 312, y: 8, w: 32, h: 32 });
    expect(flashBox(STREAM_PROFILES.main.width)).toEqual({ x: 624, y: 16, w: 64, h: 64 });
  });

  it.each(['sub', 'main'] as const)('matches the box and the beep the %s camera stream draws (scene.ts)', (profile) => {
    const { width, height } = STREAM_PROFILES[profile];
    const args = buildCameraArgs({
      cameraId: 'b1.cam-counter',
      profile: STREAM_PROFILES[profile],
      publishUrl: `rtsp://127.0.0.1:8554/b1.cam-counter/${profile}`,
      fontFile: '/fonts/DejaVuSansMono.ttf',
      crop: { w: 'iw/2', x: '(iw-ow)/2', y: '(ih-oh)/2' },
    });
    const graph = args[args.indexOf('-filter_complex') + 1] ?? '';
    const b = flashBox(width);
    const on = `lt(mod(t,${FLASH.periodSec}),${FLASH.durationSec})`;
    expect(graph).toContain(`drawbox=x=${b.x}:y=${b.y}:w=${b.w}:h=${b.h}:color=white:t=fill:enable='${on}'`);
    expect(graph).toContain(`volume=volume=0:enable='gte(mod(t,${FLASH.periodSec}),${FLASH.durationSec})'`);
    expect(b.y + b.h).toBeLessThan(height);
  });
});

describe('flashOnsets', () => {
  it('finds the first lit frame of every flash after the first frame', () => {
    const onsets = flashOnsets(frames(5, flashing));
    expect(onsets.map((o) => Math.round(o.mediaTime * 1000))).toEqual([1000, 2000, 3000, 4000]);
    expect(onsets[0]?.displayAtMs).toBeCloseTo(6016, 6);
  });

  it('skips a flash whose frame before it was not presented (the flash may have begun on it)', () => {
    const dropped = frames(4, flashing).filter((f) => Math.abs(f.mediaTime - 14 / FPS) > 1e-9);
    expect(flashOnsets(dropped).map((o) => Math.round(o.mediaTime * 1000))).toEqual([2000, 3000]);
  });

  it('does not take a bright but not uniformly white box for a flash', () => {
    const scene = frames(3, () => false).map((f, n) => ({ ...f, minLuma: n % 2 === 0 ? 170 : 40 }));
    expect(flashOnsets(scene)).toEqual([]);
  });
});

describe('audioBlocks', () => {
  it('reads the page flat [frame, peak, …] array, ignoring a trailing half pair', () => {
    expect(audioBlocks([0, 0.1, 128, 0.2, 256])).toEqual([
      { frame: 0, peak: 0.1 },
      { frame: 128, peak: 0.2 },
    ]);
  });
});

describe('beepOnsets', () => {
  it('finds each beep at its first loud quantum', () => {
    const onsets = beepOnsets(quanta(4, 0, 0.5), 48_000);
    // Beeps start at 0.5, 1.5, 2.5 and 3.5 s, i.e. within quanta 187, 562, 937 and 1312; the next quantum is loud.
    expect(onsets.map((t) => Math.round(t * 48_000))).toEqual([188 * 128, 563 * 128, 938 * 128, 1313 * 128]);
  });

  it('needs a whole quiet gap before an onset: no onset right after a hole in the record', () => {
    const blocks = quanta(4, 0, 0.5).filter((b) => b.frame < 60_000 || b.frame > 70_000);
    expect(beepOnsets(blocks, 48_000).map((t) => Math.round(t * 10) / 10)).toEqual([0.5, 2.5, 3.5]);
  });

  it('hears no beep in a silent stream, whatever its percentiles', () => {
    const silent = quanta(3).map((b) => ({ ...b, peak: 0.0004 }));
    expect(beepOnsets(silent, 48_000)).toEqual([]);
  });
});

describe('heardAtMs / renderedAtMs', () => {
  it('maps context time to performance time with the nearest output timestamp', () => {
    const clocks = [
      clock(1000, 1.04, { contextTime: 1.0, perfMs: 996 }),
      clock(2000, 2.04, { contextTime: 2.0, perfMs: 1997 }),
    ];
    expect(heardAtMs(2.5, clocks)).toEqual({ perfMs: 2497, method: 'output-timestamp' });
    expect(renderedAtMs(2.5, clocks)).toBeCloseTo(2460, 6);
  });

  it('falls back to currentTime plus the declared latencies without output timestamps', () => {
    const heard = heardAtMs(2.5, [clock(1000, 1.0), clock(2000, 2.0)]);
    expect(heard?.method).toBe('latency');
    expect(heard?.perfMs).toBeCloseTo(2542, 6);
    expect(heardAtMs(1, [])).toBeNull();
    expect(renderedAtMs(1, [])).toBeNull();
  });
});

describe('pairNearest', () => {
  const at = (v: number): number => v;

  it('pairs each flash with the nearest beep within the gap', () => {
    const pairs = pairNearest([1000, 2000, 3000, 4000], [1040, 1960, 3600], at, at, 500);
    // 3000's nearest beep is 600 ms away: no pair; 4000 takes it at 400 ms.
    expect(pairs).toEqual([
      { video: 1000, audio: 1040 },
      { video: 2000, audio: 1960 },
      { video: 4000, audio: 3600 },
    ]);
  });

  it('gives a beep to the closer flash only', () => {
    expect(pairNearest([1000, 1300], [1250], at, at, 500)).toEqual([{ video: 1300, audio: 1250 }]);
  });
});

describe('summarizeOffsets', () => {
  it('reports the signed median and the magnitude p95 and maximum', () => {
    const offsets = [-30, 10, 20, 30, 40, -100, 35, 25, 15, 5];
    expect(summarizeOffsets(offsets)).toEqual({
      pairs: 10,
      offset_p50_ms: 15,
      offset_p95_abs_ms: 100,
      offset_max_abs_ms: 100,
    });
  });
});
