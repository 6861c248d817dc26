import { describe, expect, it } from 'vitest';
import { auditExportUrl } from '../api/center-api';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import {
  ACTION_CHOICES,
  EMPTY_FORM,
  actionLabel,
  currentCursor,
  detailText,
  filterOf,
  firstPage,
  localToIso,
  newerPage,
  olderPage,
  pageNumber,
} from './audit-view';

describe('the audit page', () => {
  it('sends only the filters filled in, trimmed, with local times as instants', () => {
    expect(filterOf(EMPTY_FORM)).toEqual({ ok: true, filter: {} });
    const result = filterOf({
      from: '2026-12-01T08:00',
      to: '',
      actor: '  fz-op ',
      action: 'video.',
      target: ' ',
      outcome: 'failure',
    });
    expect(result).toEqual({
      ok: true,
      filter: {
        from: new Date('2026-12-01T08:00').toISOString(),
        actor: 'fz-op',
        action: 'video.',
        outcome: 'failure',
      },
    });
  });

  it('says what is wrong with the times instead of asking the center', () => {
    expect(filterOf({ ...EMPTY_FORM, from: 'yesterday' })).toEqual({ ok: false, problem: 'badFrom' });
    expect(filterOf({ ...EMPTY_FORM, to: '2026-13-45T99:00' })).toEqual({ ok: false, problem: 'badTo' });
    expect(filterOf({ ...EMPTY_FORM, from: '2026-12-02T00:00', to: '2026-12-01T00:00' })).toEqual({
      ok: false,
      problem: 'fromAfterTo',
    });
    expect(localToIso('2026-12-01T08:00:30')).toBe(new Date('2026-12-01T08:00:30').toISOString());
  });

  it('pages to older entries and back to exactly the newer page before', () => {
    let p = firstPage();
    expect([pageNumber(p), currentCursor(p)]).toEqual([1, undefined]);
    p = olderPage(p, 120);
    p = olderPage(p, 70);
    expect([pageNumber(p), currentCursor(p)]).toEqual([3, 70]);
    p = newerPage(p);
    expect([pageNumber(p), currentCursor(p)]).toEqual([2, 120]);
    expect(newerPage(newerPage(newerPage(p)))).toEqual(firstPage());
  });

  it('downloads an export with the filters applied, never the paging', () => {
    expect(auditExportUrl({ source: 'jj', action: 'video.', outcome: 'success' }, 'csv')).toBe(
      '/api/audit/export?source=jj&action=video.&outcome=success&format=csv',
    );
    expect(auditExportUrl({}, 'ndjson')).toBe('/api/audit/export?format=ndjson');
  });

  it('names every action the center records, and shows an unknown one as its code', () => {
    expect(actionLabel('video.view.end')).toEqual({ kind: 'key', key: 'videoViewEnd' });
    expect(actionLabel('alarm.acknowledge')).toEqual({ kind: 'alarm', action: 'acknowledge' });
    expect(actionLabel('firmware.update')).toEqual({ kind: 'code' });
    for (const messages of [zhCN, en]) {
      for (const choice of ACTION_CHOICES) {
        expect(messages.audit.actionChoice[choice.key], choice.value).toBeTruthy();
      }
    }
  });

  it('shows a detail on one line', () => {
    expect(detailText({ profile: 'sub', kbps: 384, link: { full: true } })).toBe(
      'profile: sub · kbps: 384 · link: {"full":true}',
    );
    expect(detailText({})).toBe('');
  });
});
