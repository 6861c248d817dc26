import { createHash } from 'node:crypto';
import { AUDIT_GENESIS_HASH, AUDIT_LIMITS, type AuditChainEntry, type AuditOutcome } from '@bsm/protocol';

/** What a caller asks to record; the log adds the time, the position and the hashes. */
export interface AuditEntry {
  actor: string | null;
  action: string;
  target?: string | null;
  outcome: AuditOutcome;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

/** The hashed fields of one entry, as stored (after `normalizeEntry`). */
export interface ChainFields {
  seq: number;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  ip: string | null;
  detail: Record<string, unknown>;
  prevHash: string;
}

export { AUDIT_GENESIS_HASH };

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The bytes an entry's hash covers: a version tag, the chain's owner, the
 * position, every field, and the previous entry's hash, as one canonical
 * JSON array (unambiguous, whatever the fields contain).
 */
export function chainMessage(centerId: string, f: ChainFields): string {
  return canonicalJson([
    'bsm-audit-v1',
    centerId,
    f.seq,
    f.at,
    f.actor,
    f.action,
    f.target,
    f.outcome,
    f.ip,
    f.detail,
    f.prevHash,
  ]);
}

export function entryHash(centerId: string, f: ChainFields): string {
  return createHash('sha256').update(chainMessage(centerId, f), 'utf8').digest('hex');
}

/**
 * Text PostgreSQL stores exactly as JavaScript hashed it: no NUL (text and
 * jsonb refuse it) and no lone surrogate (it would come back as U+FFFD).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const storable = (s: string): string => s.replace(LONE_SURROGATE, '\uFFFD').replaceAll('\u0000', '\uFFFD');

function cut(s: string | null | undefined, max: number): string | null {
  if (s === null || s === undefined) {
    return null;
  }
  const clean = storable(s);
  // An empty text is stored as null, so a CSV export (where both are an empty field) verifies.
  return clean.length === 0 ? null : clean.slice(0, max);
}

function storableJson(value: unknown): unknown {
  if (typeof value === 'string') {
    return storable(value);
  }
  if (Array.isArray(value)) {
    return value.map(storableJson);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storableJson(v)]));
  }
  return value;
}

/** A detail as it will read back from jsonb: plain JSON values, clean strings, bounded size. */
export function normalizeDetail(detail: Record<string, unknown> | undefined): Record<string, unknown> {
  let plain: unknown;
  try {
    plain = JSON.parse(JSON.stringify(detail ?? {}) ?? '{}');
  } catch (error) {
    return { unserializable: (error as Error).message.slice(0, 200) };
  }
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { value: plain };
  }
  const clean = storableJson(plain) as Record<string, unknown>;
  const text = canonicalJson(clean);
  if (Buffer.byteLength(text) <= AUDIT_LIMITS.detailBytes) {
    return clean;
  }
  return { truncated: true, bytes: Buffer.byteLength(text), preview: storable(text.slice(0, 1000)) };
}

/** The fields of a new entry as they will be stored and hashed. */
export function normalizeEntry(e: AuditEntry): Omit<ChainFields, 'seq' | 'at' | 'prevHash'> {
  return {
    actor: cut(e.actor, AUDIT_LIMITS.actor),
    action: cut(e.action, AUDIT_LIMITS.action) ?? 'unknown',
    target: cut(e.target, AUDIT_LIMITS.target),
    outcome: e.outcome,
    ip: cut(e.ip, AUDIT_LIMITS.ip),
    detail: normalizeDetail(e.detail),
  };
}

/** A timestamp as the chain hashes it: ISO 8601 in UTC with milliseconds (what `Date#toISOString` gives). */
export const chainTime = (at: Date | string): string => new Date(at).toISOString();

/** The next entry of a chain whose last entry is `head` (null: the chain is empty). */
export function nextEntry(
  centerId: string,
  head: { seq: number; hash: string } | null,
  at: Date,
  e: AuditEntry,
): ChainFields & { hash: string } {
  const fields: ChainFields = {
    seq: (head?.seq ?? 0) + 1,
    at: chainTime(at),
    ...normalizeEntry(e),
    prevHash: head?.hash ?? AUDIT_GENESIS_HASH,
  };
  return { ...fields, hash: entryHash(centerId, fields) };
}

/** Recomputes the hash of a stored (or received) entry. */
export const hashOf = (centerId: string, e: AuditChainEntry): string =>
  entryHash(centerId, {
    seq: e.seq,
    at: chainTime(e.at),
    actor: e.actor,
    action: e.action,
    target: e.target,
    outcome: e.outcome,
    ip: e.ip,
    detail: e.detail,
    prevHash: e.prevHash,
  });
