import { describe, expect, it } from 'vitest';
import { ProgressTracker } from './progress.js';
import { redactCredentials } from './redact.js';
import { reportedState } from './stream-pusher.js';

describe('what "running" means', () => {
  it('tracks when the frame count last went up', () => {
    const p = new ProgressTracker();
    expect(p.idleMs(1_000)).toBeUndefined();
    expect(p.line('frame=0', 1_000)).toBe(false);
    expect(p.line('fps=0.0', 1_100)).toBe(false);
    expect(p.line('frame=8', 1_500)).toBe(true);
    expect(p.line('frame=8', 2_000)).toBe(false);
    expect(p.idleMs(2_000)).toBe(500);
    p.reset();
    expect(p.idleMs(2_000)).toBeUndefined();
    expect(p.line('frame=3', 2_100)).toBe(true);
  });

  it('reports running only while frames advance', () => {
    expect(reportedState('running', undefined, 0)).toBe('starting');
    expect(reportedState('running', 400, 0)).toBe('running');
    expect(reportedState('running', 6_000, 0)).toBe('restarting');
    expect(reportedState('running', undefined, 2)).toBe('restarting');
    expect(reportedState('backoff', undefined, 0)).toBe('restarting');
    expect(reportedState('failed', undefined, 7)).toBe('failed');
  });

  it('hides credentials in ffmpeg errors', () => {
    expect(redactCredentials('rtsp://admin:12345@10.0.0.9:554/ch1: Connection refused')).toBe(
      'rtsp://admin:***@10.0.0.9:554/ch1: Connection refused',
    );
    expect(redactCredentials('rtsp://10.0.0.9/ch1: 401 Unauthorized')).toBe('rtsp://10.0.0.9/ch1: 401 Unauthorized');
  });
});
