import { describe, expect, it } from 'vitest';
import { onvifMotion } from './velocity.js';

describe('onvifMotion', () => {
  it.each([
    ['left', 0.5, { service: 'ptz', x: -0.5, y: 0, zoom: 0 }],
    ['right', 1, { service: 'ptz', x: 1, y: 0, zoom: 0 }],
    ['up', 0.25, { service: 'ptz', x: 0, y: 0.25, zoom: 0 }],
    ['down', 0.75, { service: 'ptz', x: 0, y: -0.75, zoom: 0 }],
    ['zoom_in', 0.3, { service: 'ptz', x: 0, y: 0, zoom: 0.3 }],
    ['zoom_out', 0.3, { service: 'ptz', x: 0, y: 0, zoom: -0.3 }],
    ['focus_far', 0.4, { service: 'focus', speed: 0.4 }],
    ['focus_near', 0.4, { service: 'focus', speed: -0.4 }],
    ['stop', 0.5, { service: 'stop' }],
    // Speed 0 still moves (slowly); values are clamped to the ONVIF range.
    ['left', 0, { service: 'ptz', x: -0.05, y: 0, zoom: 0 }],
    ['right', 1.7, { service: 'ptz', x: 1, y: 0, zoom: 0 }],
    ['up', 1 / 3, { service: 'ptz', x: 0, y: 0.333, zoom: 0 }],
  ] as const)('%s at %s → %o', (action, speed, expected) => {
    expect(onvifMotion(action, speed)).toEqual(expected);
  });

  it('refuses iris moves with the reason', () => {
    const motion = onvifMotion('iris_open', 0.5);
    expect(motion.service).toBe('unsupported');
    expect(motion.service === 'unsupported' && motion.reason).toMatch(/no continuous iris move/);
  });
});
