import { describe, expect, it } from 'vitest';
import { SimulatedPtz } from './ptz.js';
import {
  DEFAULT_VIEWPORT,
  ZOOM_MAX,
  ZOOM_MIN,
  clampViewport,
  cropExpressions,
  stillMotion,
  viewportAt,
} from './viewport.js';

const T0 = 1_795_320_000_000;

describe('viewport maths', () => {
  it('clamps the view inside the scene and the zoom to its limits', () => {
    expect(clampViewport({ cx: 0, cy: 1, zoom: 2 })).toEqual({ cx: 0.25, cy: 0.75, zoom: 2 });
    expect(clampViewport({ cx: 0.9, cy: 0.1, zoom: 100 })).toEqual({ cx: 0.9, cy: 0.1, zoom: ZOOM_MAX });
    expect(clampViewport({ cx: 0.9, cy: 0.1, zoom: 0.1 })).toEqual({ cx: 0.5, cy: 0.5, zoom: ZOOM_MIN });
  });

  it('pans one view width per second at speed 1 and stops at the edge', () => {
    const m = { from: DEFAULT_VIEWPORT, action: 'left' as const, speed: 1, since: T0, until: null };
    expect(viewportAt(m, T0 + 200).cx).toBeCloseTo(0.4);
    expect(viewportAt(m, T0 + 5_000).cx).toBe(0.25);
    expect(viewportAt({ ...m, until: T0 + 100 }, T0 + 5_000).cx).toBeCloseTo(0.45);
  });

  it('zooms by an octave per second at speed 1, within limits', () => {
    const m = { from: DEFAULT_VIEWPORT, action: 'zoom_in' as const, speed: 1, since: T0, until: null };
    expect(viewportAt(m, T0 + 1_000).zoom).toBeCloseTo(4);
    expect(viewportAt(m, T0 + 10_000).zoom).toBe(ZOOM_MAX);
    expect(viewportAt({ ...m, action: 'zoom_out' }, T0 + 10_000)).toEqual({ cx: 0.5, cy: 0.5, zoom: ZOOM_MIN });
  });

  it('gives ffmpeg the same pan as a function of wall time t', () => {
    const m = { from: DEFAULT_VIEWPORT, action: 'right' as const, speed: 0.5, since: T0, until: T0 + 1_000 };
    expect(cropExpressions(m, T0)).toEqual({
      w: 'iw*0.5',
      x: 'iw*clip(0.5+0.25*(max(min(t,1795320001)-1795320000,0)),0.25,0.75)-ow/2',
      y: 'ih*0.5-oh/2',
    });
    expect(cropExpressions(stillMotion({ cx: 0.3, cy: 0.6, zoom: 4 }, T0), T0)).toEqual({
      w: 'iw*0.25',
      x: 'iw*0.3-ow/2',
      y: 'ih*0.6-oh/2',
    });
  });
});

describe('SimulatedPtz', () => {
  it('sends one crop command per pan, bounds it at stop, and returns to presets', () => {
    let now = T0;
    const sent: string[] = [];
    const logs: string[] = [];
    const ptz = new SimulatedPtz({ send: (c) => sent.push(c), log: (m) => logs.push(m), now: () => now });
    ptz.setPreset(1);
    ptz.act('left', 1);
    expect(sent).toEqual(['crop@ptz -1 x iw*clip(0.5+-0.5*(max(t-1795320000,0)),0.25,0.75)-ow/2']);
    expect(ptz.moving).toBe('left');
    now += 200;
    ptz.act('stop', 0);
    expect(ptz.moving).toBeNull();
    expect(ptz.viewport.cx).toBeCloseTo(0.4);
    expect(sent.slice(1)).toEqual([
      'crop@ptz -1 w iw*0.5',
      'crop@ptz -1 x iw*clip(0.5+-0.5*(max(min(t,1795320000.2)-1795320000,0)),0.25,0.75)-ow/2',
      'crop@ptz -1 y ih*0.5-oh/2',
    ]);
    now += 5_000;
    expect(ptz.viewport.cx).toBeCloseTo(0.4);
    expect(ptz.gotoPreset(1)).toBe(true);
    expect(ptz.viewport).toEqual(DEFAULT_VIEWPORT);
    expect(sent.at(-2)).toBe('crop@ptz -1 x iw*0.5-ow/2');
    expect(ptz.gotoPreset(2)).toBe(false);
    ptz.act('focus_near', 0.5);
    expect(logs).toHaveLength(1);
    expect(ptz.presetNumbers).toEqual([1]);
    ptz.dispose();
  });
});
