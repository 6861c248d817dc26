import { describe, expect, it } from 'vitest';
import { hashOfScreen, screenFromHash } from './screen-route';

describe('screen route', () => {
  it('reads the screen from the hash, the map wall by default', () => {
    expect(screenFromHash('')).toBe('map');
    expect(screenFromHash('#/map')).toBe('map');
    expect(screenFromHash('#/video')).toBe('video');
    expect(screenFromHash('#video')).toBe('video');
    expect(screenFromHash('#/video?camera=cam-1')).toBe('video');
    expect(screenFromHash('#/alarms')).toBe('alarms');
    expect(screenFromHash('#/nonsense')).toBe('map');
  });

  it('writes a hash that reads back the same', () => {
    expect(screenFromHash(hashOfScreen('video'))).toBe('video');
    expect(screenFromHash(hashOfScreen('map'))).toBe('map');
    expect(screenFromHash(hashOfScreen('alarms'))).toBe('alarms');
  });
});
