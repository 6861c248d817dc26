import type { AuditChainEntry, AuditRecord } from '@bsm/protocol';
import { describe, expect, it } from 'vitest';
import { checkBatch } from './audit-copies.js';
import { entryHash, nextEntry } from './chain.js';
import { verifyChain } from './verify.js';

/** A chain of `n` entries of center `fz`, as the database would hold it. */
function chain(n: number, source = 'fz'): AuditRecord[] {
  const out: AuditRecord[] = [];
  let prev: { seq: number; hash: string } | null = null;
  for (let i = 0; i < n; i++) {
    const at = new Date(Date.UTC(2026, 11, 1, 8, 0, i));
    const next = nextEntry(source, prev, at, {
      actor: `user${i % 3}`,
      action: i % 2 === 0 ? 'video.play' : 'video.view.end',
      target: `fz-a.cam${i % 4}`,
      outcome: 'success',
      ip: '10.0.0.1',
      detail: { n: i },
    });
    out.push({ ...next, id: 100 + i, source });
    prev = next;
  }
  return out;
}

/** The entry with its content changed and its hash recomputed, as someone covering their tracks would do. */
function rehashed(e: AuditRecord, change: Partial<AuditRecord>): AuditRecord {
  const changed = { ...e, ...change };
  return { ...changed, hash: entryHash(e.source, changed) };
}

describe('verifying an audit chain', () => {
  it('passes an intact chain and reports its head', async () => {
    const entries = chain(10);
    const report = await verifyChain('fz', entries);
    expect(report).toMatchObject({ ok: true, entries: 10, firstSeq: 1, lastSeq: 10, problemCount: 0 });
    expect(report.headHash).toBe(entries[9]?.hash);
    expect((await verifyChain('fz', [])).ok).toBe(true);
  });

  it('names an altered entry', async () => {
    const entries = chain(10);
    entries[4] = { ...(entries[4] as AuditRecord), actor: 'someone-else' };
    const report = await verifyChain('fz', entries);
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({ kind: 'altered', seq: 5, id: 104 });
    expect(report.problemCount).toBe(1);
  });

  it('names the link after an entry altered and re-hashed', async () => {
    const entries = chain(10);
    entries[4] = rehashed(entries[4] as AuditRecord, { outcome: 'failure' });
    const report = await verifyChain('fz', entries);
    expect(report.firstProblem).toMatchObject({ kind: 'broken_link', seq: 6, id: 105 });
    expect(report.firstProblem?.message).toContain('seq 5 (id 104)');
  });

  it('names the entry after a removed one, and the newest ones removed when the parent acknowledged more', async () => {
    const entries = chain(10);
    entries.splice(6, 1);
    const report = await verifyChain('fz', entries);
    expect(report.firstProblem).toMatchObject({ kind: 'removed', seq: 8, id: 107 });
    expect(report.firstProblem?.message).toContain('seq 7 is missing');
    expect(report.problemCount).toBe(1);

    const cut = await verifyChain('fz', chain(10).slice(0, 8), { acknowledgedUpTo: 10 });
    expect(cut.firstProblem).toMatchObject({ kind: 'removed', seq: 9 });
    expect((await verifyChain('fz', chain(10), { acknowledgedUpTo: 10 })).ok).toBe(true);
  });

  it('names a swapped pair as reordered, whether positions or rows were exchanged', async () => {
    // The seq numbers of two rows exchanged (the database read in seq order).
    const entries = chain(10);
    const a = entries[2] as AuditRecord;
    const b = entries[3] as AuditRecord;
    entries[2] = { ...b, seq: 3 };
    entries[3] = { ...a, seq: 4 };
    const report = await verifyChain('fz', entries);
    expect(report.firstProblem).toMatchObject({ kind: 'reordered', seq: 3, id: 103 });
    expect(report.firstProblem?.message).toContain('was written as seq 4');
    expect(report.problems.map((p) => p.seq)).toEqual([3, 4]);

    // Two lines of an export exchanged.
    const lines = chain(10);
    [lines[5], lines[6]] = [lines[6] as AuditRecord, lines[5] as AuditRecord];
    const swapped = await verifyChain('fz', lines);
    expect(swapped.ok).toBe(false);
    expect(swapped.firstProblem).toMatchObject({ kind: 'reordered', seq: 7, id: 106 });
  });

  it('lets a filtered export skip positions but still checks each entry and each consecutive link', async () => {
    const some = chain(10).filter((e) => e.seq % 3 !== 0);
    expect((await verifyChain('fz', some)).ok).toBe(false);
    expect((await verifyChain('fz', some, { partial: true })).ok).toBe(true);
    some[1] = { ...(some[1] as AuditRecord), target: 'fz-b.cam9' };
    expect((await verifyChain('fz', some, { partial: true })).firstProblem).toMatchObject({ kind: 'altered', seq: 2 });
  });

  it('refuses an entry of another chain and lines that are no entry', async () => {
    const report = await verifyChain('fz', [...chain(2), { unreadable: true, line: 3, reason: 'not JSON' }]);
    expect(report.firstProblem).toMatchObject({ kind: 'altered', seq: null, line: 3 });
    expect((await verifyChain('qz', chain(2))).firstProblem).toMatchObject({ kind: 'altered', seq: 1 });
  });
});

describe('checking a copied chain as it arrives at the parent', () => {
  const wire = (r: AuditRecord): AuditChainEntry => ({
    seq: r.seq,
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    target: r.target,
    outcome: r.outcome,
    ip: r.ip,
    detail: r.detail,
    prevHash: r.prevHash,
    hash: r.hash,
  });

  it('accepts consecutive batches, and a batch sent again', () => {
    const entries = chain(6, 'jj');
    expect(checkBatch('jj', entries.slice(0, 3).map(wire), new Map())).toEqual([]);
    const stored = new Map(entries.slice(0, 3).map((e) => [e.seq, e.hash]));
    expect(checkBatch('jj', entries.slice(3).map(wire), stored)).toEqual([]);
    expect(checkBatch('jj', entries.slice(0, 3).map(wire), stored)).toEqual([]);
  });

  it('flags an altered entry, a missing position, a broken link and a rewritten history', () => {
    const entries = chain(6, 'jj');
    const altered = entries.slice(0, 3).map(wire);
    altered[1] = { ...(altered[1] as AuditChainEntry), actor: 'x' };
    expect(checkBatch('jj', altered, new Map()).map((b) => [b.kind, b.seq])).toEqual([['altered', 2]]);

    expect(checkBatch('jj', entries.slice(4).map(wire), new Map()).map((b) => [b.kind, b.seq])).toEqual([
      ['removed', 5],
    ]);

    const stored = new Map(entries.slice(0, 3).map((e) => [e.seq, e.hash]));
    const forged = rehashed(entries[2] as AuditRecord, { actor: 'forger' });
    const breaks = checkBatch('jj', [wire(forged), wire(entries[3] as AuditRecord)], stored);
    expect(breaks.map((b) => [b.kind, b.seq])).toEqual([['conflict', 3]]);

    const relinked = rehashed(entries[3] as AuditRecord, { prevHash: 'a'.repeat(64) });
    expect(checkBatch('jj', [wire(relinked)], stored).map((b) => [b.kind, b.seq])).toEqual([['broken_link', 4]]);
  });
});
