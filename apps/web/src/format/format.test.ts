import { describe, expect, it } from 'vitest';
import { formatTimestamp } from './date-time';
import { elapsedParts } from './elapsed';

describe('elapsedParts', () => {
  it('counts seconds for a fresh alarm', () => {
    expect(elapsedParts(12_400)).toEqual({ unit: 'seconds', count: 12 });
  });

  it('switches to minutes, hours and days', () => {
    expect(elapsedParts(60_000)).toEqual({ unit: 'minutes', count: 1 });
    expect(elapsedParts(3 * 3_600_000 + 59 * 60_000)).toEqual({ unit: 'hours', count: 3 });
    expect(elapsedParts(2 * 86_400_000)).toEqual({ unit: 'days', count: 2 });
  });

  it('says just now instead of a negative age when clocks disagree slightly', () => {
    expect(elapsedParts(-800)).toEqual({ unit: 'justNow', count: 0 });
    expect(elapsedParts(400)).toEqual({ unit: 'justNow', count: 0 });
  });
});

describe('formatTimestamp', () => {
  it('shows only the time for today and the date too for an older day', () => {
    const now = new Date(2025, 0, 2, 12, 0, 0);
    const today = new Date(2025, 0, 2, 8, 5, 9).toISOString();
    const yesterday = new Date(2025, 0, 1, 23, 59, 0).toISOString();
    expect(formatTimestamp(today, 'en', now)).toBe('08:05:09');
    expect(formatTimestamp(yesterday, 'zh-CN', now)).toContain('23:59:00');
    expect(formatTimestamp(yesterday, 'zh-CN', now)).toContain('2025');
  });

  it('shows a value it cannot parse as it came', () => {
    expect(formatTimestamp('not a time', 'en')).toBe('not a time');
  });
});
