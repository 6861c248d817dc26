import { describe, expect, it } from 'vitest';
import { nextRunAt } from './scheduler.js';

const t = (iso: string): Date => new Date(iso);
const HOUR = 3600_000;

describe('the backup schedule', () => {
  it('runs a first backup soon after start when none is found', () => {
    expect(
      nextRunAt({ lastSuccessAt: null, lastFailureAt: null, intervalMs: HOUR, earliest: t('2026-12-01T10:01:00Z') }),
    ).toEqual(t('2026-12-01T10:01:00Z'));
  });

  it('runs an interval after the newest good backup, also across a restart', () => {
    expect(
      nextRunAt({
        lastSuccessAt: t('2026-12-01T09:30:00Z'),
        lastFailureAt: null,
        intervalMs: HOUR,
        earliest: t('2026-12-01T10:01:00Z'),
      }),
    ).toEqual(t('2026-12-01T10:30:00Z'));
  });

  it('catches up at once (after the start delay) when a backup is overdue', () => {
    expect(
      nextRunAt({
        lastSuccessAt: t('2026-11-30T00:00:00Z'),
        lastFailureAt: null,
        intervalMs: HOUR,
        earliest: t('2026-12-01T10:01:00Z'),
      }),
    ).toEqual(t('2026-12-01T10:01:00Z'));
  });

  it('retries a failure after min(interval, 15 min)', () => {
    const failure = { lastSuccessAt: t('2026-12-01T00:00:00Z'), lastFailureAt: t('2026-12-01T10:00:00Z') };
    expect(nextRunAt({ ...failure, intervalMs: 24 * HOUR, earliest: t('2026-12-01T10:00:05Z') })).toEqual(
      t('2026-12-01T10:15:00Z'),
    );
    expect(nextRunAt({ ...failure, intervalMs: 5 * 60_000, earliest: t('2026-12-01T10:00:05Z') })).toEqual(
      t('2026-12-01T10:05:00Z'),
    );
    // Long overdue and failing: still the retry delay, never a loop of attempts.
    expect(nextRunAt({ ...failure, intervalMs: HOUR, earliest: t('2026-12-01T10:00:05Z') })).toEqual(
      t('2026-12-01T10:15:00Z'),
    );
    // A success after the failure: back to the interval.
    expect(
      nextRunAt({
        lastSuccessAt: t('2026-12-01T10:15:00Z'),
        lastFailureAt: t('2026-12-01T10:00:00Z'),
        intervalMs: HOUR,
        earliest: t('2026-12-01T10:16:00Z'),
      }),
    ).toEqual(t('2026-12-01T11:15:00Z'));
  });
});
