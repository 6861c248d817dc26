import type { AuditOutcome } from '@bsm/protocol';
import type { AuditSearch } from '../api/center-api';
import type { Messages } from '../i18n/messages';

/** What the auditor typed into the filter form; times are `datetime-local` values in the browser's zone. */
export interface AuditForm {
  from: string;
  to: string;
  actor: string;
  /** An action prefix from `ACTION_CHOICES` (`''`: every action). */
  action: string;
  target: string;
  outcome: '' | AuditOutcome;
}

export const EMPTY_FORM: AuditForm = { from: '', to: '', actor: '', action: '', target: '', outcome: '' };

/** Rows per page. */
export const PAGE_SIZE = 50;

export type AuditFilter = Omit<AuditSearch, 'source' | 'limit' | 'cursor'>;

export type FormProblem = 'badFrom' | 'badTo' | 'fromAfterTo';

/** A `datetime-local` value (the browser's own zone) as an ISO instant, or null when it is not a time. */
export function localToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) {
    return null;
  }
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

/** The filter the API gets from the form, or what is wrong with the form. */
export function filterOf(form: AuditForm): { ok: true; filter: AuditFilter } | { ok: false; problem: FormProblem } {
  const from = form.from.trim() === '' ? undefined : localToIso(form.from.trim());
  const to = form.to.trim() === '' ? undefined : localToIso(form.to.trim());
  if (from === null) {
    return { ok: false, problem: 'badFrom' };
  }
  if (to === null) {
    return { ok: false, problem: 'badTo' };
  }
  if (from !== undefined && to !== undefined && from > to) {
    return { ok: false, problem: 'fromAfterTo' };
  }
  const text = (v: string): string | undefined => (v.trim() === '' ? undefined : v.trim());
  const filter: AuditFilter = {};
  if (from !== undefined) {
    filter.from = from;
  }
  if (to !== undefined) {
    filter.to = to;
  }
  const actor = text(form.actor);
  const action = text(form.action);
  const target = text(form.target);
  if (actor !== undefined) {
    filter.actor = actor;
  }
  if (action !== undefined) {
    filter.action = action;
  }
  if (target !== undefined) {
    filter.target = target;
  }
  if (form.outcome !== '') {
    filter.outcome = form.outcome;
  }
  return { ok: true, filter };
}

/**
 * Paging backwards through a chain, newest first: the cursor of every page
 * seen so far, so "newer" goes back exactly to the page before.
 */
export interface Paging {
  /** `cursors[i]`: the cursor page i was asked with (undefined: the newest page). */
  cursors: (number | undefined)[];
}

export const firstPage = (): Paging => ({ cursors: [undefined] });
export const pageNumber = (p: Paging): number => p.cursors.length;
export const currentCursor = (p: Paging): number | undefined => p.cursors.at(-1);
export const olderPage = (p: Paging, nextCursor: number): Paging => ({ cursors: [...p.cursors, nextCursor] });
export const newerPage = (p: Paging): Paging => (p.cursors.length > 1 ? { cursors: p.cursors.slice(0, -1) } : p);

/** The action choices of the filter, broadest first within each group: prefixes, with their translation keys. */
export const ACTION_CHOICES = [
  { value: 'auth.', key: 'auth' },
  { value: 'auth.login', key: 'authLogin' },
  { value: 'auth.logout', key: 'authLogout' },
  { value: 'user.', key: 'user' },
  { value: 'video.', key: 'video' },
  { value: 'video.play', key: 'videoPlay' },
  { value: 'video.view.', key: 'videoView' },
  { value: 'ptz.', key: 'ptz' },
  { value: 'alarm.', key: 'alarm' },
  { value: 'panel.', key: 'panel' },
  { value: 'audit.', key: 'audit' },
] as const satisfies readonly { value: string; key: keyof Messages['audit']['actionChoice'] }[];

type ActionKey = keyof Messages['auditAction'];

/** Translation keys of the actions the center records (`alarm.<action>` is worded with the alarm event). */
const ACTION_KEYS: Record<string, ActionKey> = {
  'auth.login': 'authLogin',
  'auth.logout': 'authLogout',
  'user.seed': 'userSeed',
  'video.play': 'videoPlay',
  'video.view.start': 'videoViewStart',
  'video.view.end': 'videoViewEnd',
  'ptz.move': 'ptzMove',
  'ptz.preset': 'ptzPreset',
  'panel.panic': 'panelPanic',
  'panel.duress': 'panelDuress',
  'panel.arm': 'panelArm',
  'panel.disarm': 'panelDisarm',
  'audit.search': 'auditSearch',
  'audit.export': 'auditExport',
};

/** How an action reads in the table: a known key, an alarm action, or the code itself. */
export type ActionLabel = { kind: 'key'; key: ActionKey } | { kind: 'alarm'; action: string } | { kind: 'code' };

export function actionLabel(action: string): ActionLabel {
  const key = ACTION_KEYS[action];
  if (key !== undefined) {
    return { kind: 'key', key };
  }
  if (action.startsWith('alarm.') && action.length > 'alarm.'.length) {
    return { kind: 'alarm', action: action.slice('alarm.'.length) };
  }
  return { kind: 'code' };
}

/** An entry's detail as one line: `profile: sub · purpose: live`; nested values as JSON. */
export function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

/** The first digits of a hash, enough to compare two entries by eye. */
export const shortHash = (hash: string): string => hash.slice(0, 12);

/** A timestamp with its date, always (an audit spans days), in the browser's zone, to the second. */
export function formatAuditTime(iso: string, language: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) {
    return iso;
  }
  return new Intl.DateTimeFormat(language, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}
