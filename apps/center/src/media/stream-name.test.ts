import { describe, expect, it } from 'vitest';
import { parseStreamName, streamNameOf } from './stream-name.js';

describe('stream names', () => {
  it.each([
    [{ cameraId: 'fz-01.cam1', profile: 'sub' }, 'fz-01Dcam1Xsub'],
    [{ cameraId: 'a', profile: 'main' }, 'aXmain'],
    [{ cameraId: 'b_1..x', profile: 'd1' }, 'b_1DDxXd1'],
  ])('%o ⇄ %s, using only characters node-media-server accepts', (key, name) => {
    expect(streamNameOf(key)).toBe(name);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parseStreamName(name)).toEqual(key);
  });

  it.each(['', 'fzXsubXmain', 'FZXsub', 'fzX', 'Xsub', 'fzXSUB', '.fzXsub', 'DfzXsub'])(
    'does not read %j as a camera stream',
    (name) => {
      expect(parseStreamName(name)).toBeNull();
    },
  );

  it('refuses to name a bad camera id or profile', () => {
    expect(() => streamNameOf({ cameraId: 'Fz', profile: 'sub' })).toThrow(/camera id/);
    expect(() => streamNameOf({ cameraId: 'fz', profile: 'a-b' })).toThrow(/profile/);
  });
});
