import { describe, expect, it } from 'vitest';
import { lumaOf } from './frame-clock';
import { FpsMeter, frameLatencyMs, medianOf } from './latency';

describe('frame latency', () => {
  it('is the center time now minus the time burnt into the frame', () => {
    expect(frameLatencyMs(10_000, 0, 9_400)).toBe(600);
  });

  it('corrects this browser clock by the offset to the center', () => {
    // The wall PC runs 250 ms behind the center: its "now" is 250 ms too early.
    expect(frameLatencyMs(10_000, 250, 9_400)).toBe(850);
    expect(frameLatencyMs(10_000, -300, 9_400)).toBe(300);
  });

  it('is unknown when the frame has no readable time', () => {
    expect(frameLatencyMs(10_000, 0, null)).toBeNull();
    expect(frameLatencyMs(10_000, 0, Number.NaN)).toBeNull();
  });

  it('is shown as the median of the last second', () => {
    expect(medianOf([])).toBeNull();
    expect(medianOf([900, 300, 500])).toBe(500);
    expect(medianOf([400, 600, 500, 700])).toBe(550);
  });
});

describe('FpsMeter', () => {
  it('counts the frames of the last second', () => {
    const meter = new FpsMeter();
    for (let frame = 0; frame < 30; frame += 1) {
      meter.frame(frame * (1000 / 15));
    }
    expect(meter.fps(1_950)).toBe(15);
    expect(meter.fps(10_000)).toBe(0);
  });
});

describe('lumaOf', () => {
  it('turns RGBA into one grey byte per pixel', () => {
    const rgba = new Uint8ClampedArray([0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 255]);
    const luma = lumaOf(rgba);
    expect([...luma]).toEqual([0, 255, 76]);
  });
});
