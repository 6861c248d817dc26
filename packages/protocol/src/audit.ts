import { z } from 'zod';
import { NodeId, Timestamp } from './ids.js';

/**
 * The audit trail (S8, S9): every authentication, permission change and data
 * operation of a center, in one hash chain per center. Entry `seq` (1, 2, 3 …
 * without holes) carries the hash of entry `seq − 1` (`prevHash`; 64 zeros for
 * the first) and its own `hash`, SHA-256 over a canonical serialization of
 * its fields (`apps/center/src/audit/chain.ts`), so an entry altered, removed
 * or moved breaks the chain from there on. Child centers copy their chains
 * to their parent (`up/audit`, acknowledged with `down/audit-ack`), which
 * checks each copy's continuity as it arrives and passes them further up.
 */

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export const AuditOutcome = z.enum(AUDIT_OUTCOMES);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/** Lengths an entry's fields are cut to when it is written, so every entry fits the wire schema. */
export const AUDIT_LIMITS = {
  actor: 200,
  action: 80,
  target: 300,
  ip: 64,
  /** Bytes of an entry's `detail` as JSON; a bigger detail is replaced by a truncated preview. */
  detailBytes: 4096,
} as const;

/** `prevHash` of a chain's first entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 digest: 64 lowercase hex digits');

/** One entry of a chain, without the chain's owner (a batch names it once). */
export const AuditChainEntry = z.strictObject({
  /** Position in the source's chain, from 1, without holes. */
  seq: z.number().int().positive(),
  /** The row id at the source (not hashed; it names the entry in reports). */
  id: z.number().int().positive(),
  at: Timestamp,
  /** Who: a username, `center:<id>` for a center's relay, or null for the system. */
  actor: z.string().min(1).max(AUDIT_LIMITS.actor).nullable(),
  /** What, dotted: `auth.login`, `video.play`, `video.view.end`, `ptz.move`, `alarm.acknowledge`, `audit.export` … */
  action: z.string().min(1).max(AUDIT_LIMITS.action),
  /** On what: a camera, alarm, branch, user or stream id. */
  target: z.string().min(1).max(AUDIT_LIMITS.target).nullable(),
  outcome: AuditOutcome,
  /** The client's address, when the operation came over HTTP. */
  ip: z.string().min(1).max(AUDIT_LIMITS.ip).nullable(),
  /** What else matters (profile and purpose of a stream, the refusal's code, an alarm action's note). */
  detail: z.record(z.string(), z.unknown()),
  prevHash: Sha256Hex,
  hash: Sha256Hex,
});
export type AuditChainEntry = z.infer<typeof AuditChainEntry>;

/** An entry of a named chain: as the audit API lists it and exports it. */
export const AuditRecord = AuditChainEntry.extend({
  /** The center whose chain holds the entry (its hash covers this id). */
  source: NodeId,
});
export type AuditRecord = z.infer<typeof AuditRecord>;

/**
 * `up/audit`: consecutive entries of one chain, oldest first — the
 * publisher's own, or a copy it holds of a center below it.
 */
export const AuditBatch = z.strictObject({
  source: NodeId,
  entries: z.array(AuditChainEntry).min(1).max(500),
});
export type AuditBatch = z.infer<typeof AuditBatch>;

/** `down/audit-ack`: the parent stored the chain of `source` up to `upTo`; the child does not send those again. */
export const AuditAck = z.strictObject({
  source: NodeId,
  upTo: z.number().int().nonnegative(),
});
export type AuditAck = z.infer<typeof AuditAck>;

/** What a check of a chain found wrong, by kind. */
export const AUDIT_PROBLEMS = {
  altered: "the entry's hash does not match its content",
  removed: 'entries are missing before this one (a gap in seq)',
  reordered: 'the entry was written at another position of the chain',
  broken_link: "the entry's prevHash is not the hash of the entry before it",
  conflict: 'the source sent a different entry for a position already stored',
} as const;
export type AuditProblemKind = keyof typeof AUDIT_PROBLEMS;
export const AuditProblemKind = z.enum(Object.keys(AUDIT_PROBLEMS) as [AuditProblemKind, ...AuditProblemKind[]]);
