import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAlarmSounder } from './alarm-sounder';
import type { AlertTone } from './tone-policy';

describe('alarm sounder', () => {
  let played: AlertTone[];
  beforeEach(() => {
    vi.useFakeTimers();
    played = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sounds an urgent tone at once and then every 1.5 s until it is no longer wanted', () => {
    const sounder = createAlarmSounder((tone) => played.push(tone));
    sounder.setSustained('urgent');
    expect(played).toEqual(['urgent']);
    vi.advanceTimersByTime(4_600);
    expect(played).toEqual(['urgent', 'urgent', 'urgent', 'urgent']);
    sounder.setSustained(null);
    vi.advanceTimersByTime(10_000);
    expect(played).toHaveLength(4);
  });

  it('does not restart a tone that is wanted again, and switches when another is', () => {
    const sounder = createAlarmSounder((tone) => played.push(tone));
    sounder.setSustained('repeat');
    sounder.setSustained('repeat');
    expect(played).toEqual(['repeat']);
    vi.advanceTimersByTime(10_000);
    expect(played).toEqual(['repeat', 'repeat']);
    sounder.setSustained('urgent');
    expect(played).toEqual(['repeat', 'repeat', 'urgent']);
  });

  it('is silent while muted, chimes included, and resumes the wanted tone when unmuted', () => {
    const sounder = createAlarmSounder((tone) => played.push(tone));
    sounder.setMuted(true);
    sounder.setSustained('urgent');
    sounder.chime();
    vi.advanceTimersByTime(5_000);
    expect(played).toEqual([]);
    sounder.setMuted(false);
    expect(played).toEqual(['urgent']);
    sounder.chime();
    expect(played).toEqual(['urgent', 'chime']);
  });

  it('stops, and starts again on the next wanted tone', () => {
    const sounder = createAlarmSounder((tone) => played.push(tone));
    sounder.setSustained('urgent');
    sounder.stop();
    vi.advanceTimersByTime(5_000);
    expect(played).toEqual(['urgent']);
    sounder.setSustained('urgent');
    expect(played).toEqual(['urgent', 'urgent']);
  });
});
