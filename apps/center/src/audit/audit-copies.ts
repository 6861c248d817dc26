import {
  AUDIT_GENESIS_HASH,
  AUDIT_PROBLEMS,
  type AuditAck,
  type AuditBatch,
  type AuditChainEntry,
  type AuditProblemKind,
} from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import type { AuditCopyRepository } from '../repositories/audit-copy.repository.js';
import { hashOf } from './chain.js';

export interface AuditCopiesDeps {
  selfId: string;
  repo: AuditCopyRepository;
  /** The direct child through which a node is reached (null: not below us), and what kind of node it is. */
  routeTo: (nodeId: string) => string | null;
  kindOf: (nodeId: string) => 'center' | 'branch' | undefined;
  /** `down/audit-ack` to the child that sent the batch. */
  ack(child: string, ack: AuditAck): void;
  /** Entries of a chain were stored here (our own uplink passes them further up). */
  copied(source: string): void;
  log: Logger;
}

export interface FoundBreak {
  seq: number;
  kind: AuditProblemKind;
  message: string;
}

/**
 * What is wrong with a batch of a copied chain, given the hashes already
 * stored for the positions it touches (and the one before its first entry):
 * an entry whose hash does not match its content, one whose `prevHash` is
 * not the hash of the entry before it, a position missing before it, or a
 * second, different version of a position already stored (the source's
 * history was rewritten after we received it).
 */
export function checkBatch(source: string, entries: AuditChainEntry[], stored: Map<number, string>): FoundBreak[] {
  const found: FoundBreak[] = [];
  const known = new Map(stored);
  for (const e of entries) {
    const name = `${source} seq ${e.seq} (id ${e.id})`;
    const already = stored.get(e.seq);
    if (already !== undefined && already !== e.hash) {
      found.push({
        kind: 'conflict',
        seq: e.seq,
        message: `${name}: ${AUDIT_PROBLEMS.conflict} (stored ${already.slice(0, 12)}…, now ${e.hash.slice(0, 12)}…)`,
      });
      continue;
    }
    if (hashOf(source, e) !== e.hash) {
      found.push({ kind: 'altered', seq: e.seq, message: `${name}: ${AUDIT_PROBLEMS.altered}` });
    }
    const prev = e.seq === 1 ? AUDIT_GENESIS_HASH : known.get(e.seq - 1);
    if (prev === undefined) {
      found.push({ kind: 'removed', seq: e.seq, message: `${name}: seq ${e.seq - 1} of ${source} never arrived` });
    } else if (prev !== e.prevHash) {
      found.push({ kind: 'broken_link', seq: e.seq, message: `${name}: ${AUDIT_PROBLEMS.broken_link}` });
    }
    known.set(e.seq, e.hash);
  }
  return found;
}

/**
 * The parent's side of the upward copy: batches of a child's chains are
 * stored (deduplicated by source and seq), checked for continuity as they
 * arrive, and acknowledged by the last seq of the batch; breaks are logged
 * and kept in `audit_breaks` (shown in /api/health and the audit API).
 */
export class AuditCopies {
  constructor(private readonly deps: AuditCopiesDeps) {}

  /** Why `publisher` may not send the chain of `source`, or null when it may. */
  refusal(publisher: string, source: string): string | null {
    const { selfId, routeTo, kindOf } = this.deps;
    if (kindOf(publisher) !== 'center' || routeTo(publisher) !== publisher) {
      return 'only a child center sends audit entries';
    }
    if (source === selfId) {
      return 'a child may not send our own chain';
    }
    if (source !== publisher && (kindOf(source) !== 'center' || routeTo(source) !== publisher)) {
      return `${source} is not a center below ${publisher}`;
    }
    return null;
  }

  async receive(publisher: string, batch: AuditBatch): Promise<void> {
    const { source } = batch;
    // One copy per position, in chain order, whatever the batch holds.
    const bySeq = new Map<number, AuditChainEntry>();
    for (const e of batch.entries) {
      if (!bySeq.has(e.seq)) {
        bySeq.set(e.seq, e);
      }
    }
    const entries = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    const first = entries[0];
    if (!first) {
      return;
    }
    const stored = await this.deps.repo.hashes(source, [first.seq - 1, ...entries.map((e) => e.seq)]);
    const breaks = checkBatch(source, entries, stored);
    const fresh = entries.filter((e) => !stored.has(e.seq));
    await this.deps.repo.store(source, publisher, fresh, breaks);
    for (const b of breaks) {
      this.deps.log.error(
        { source, seq: b.seq, kind: b.kind, publisher },
        `AUDIT CHAIN BREAK in the copy of ${source}: ${b.message}`,
      );
    }
    const upTo = entries.at(-1)?.seq ?? 0;
    this.deps.ack(publisher, { source, upTo });
    if (fresh.length > 0) {
      this.deps.copied(source);
    }
  }
}
