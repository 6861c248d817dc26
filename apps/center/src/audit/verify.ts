import { AUDIT_GENESIS_HASH, AUDIT_PROBLEMS, type AuditProblemKind, type AuditRecord } from '@bsm/protocol';
import { hashOf } from './chain.js';

/** One thing wrong with a chain, naming the entry where it shows. */
export interface ChainProblem {
  kind: AuditProblemKind;
  /** The entry's position as found (null: a line of a file that is not an entry at all). */
  seq: number | null;
  /** The entry's row id at its source. */
  id: number | null;
  /** Line of the file, when checking an export. */
  line?: number;
  message: string;
}

export interface ChainReport {
  ok: boolean;
  source: string;
  /** Entries read. */
  entries: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** Hash of the last entry: anyone holding it can later tell whether the chain up to there still verifies. */
  headHash: string | null;
  /** How many problems were found (at most `MAX_PROBLEMS` are listed). */
  problemCount: number;
  /** The first bad entry: what `audit:verify` names. */
  firstProblem: ChainProblem | null;
  problems: ChainProblem[];
}

export interface VerifyOptions {
  /**
   * An export of some entries only (a filter was applied): gaps in `seq` are
   * expected and not reported; each entry's hash, and the links between
   * consecutive entries, are still checked.
   */
  partial?: boolean;
  /** The parent acknowledged the chain up to here: fewer entries means the newest were removed. */
  acknowledgedUpTo?: number;
}

/** A line of an export that could not be read as an entry. */
export interface Unreadable {
  unreadable: true;
  line: number;
  reason: string;
}

export type ChainItem = (AuditRecord & { line?: number }) | Unreadable;

const MAX_PROBLEMS = 100;
/** How far from its position a moved entry is looked for. */
const REORDER_WINDOW = 100;

/** The position an entry was written at, when its content hashes right at a position near where it stands. */
function writtenAt(source: string, e: AuditRecord): number | null {
  for (let d = 1; d <= REORDER_WINDOW; d++) {
    for (const seq of [e.seq + d, e.seq - d]) {
      if (seq > 0 && hashOf(source, { ...e, seq }) === e.hash) {
        return seq;
      }
    }
  }
  return null;
}

/**
 * Recomputes a chain, in the order given (chain order for a database, file
 * order for an export): each entry's hash from its content, the link to the
 * entry before it, and the positions. Reports every problem, each naming the
 * entry (seq and id) where it shows:
 * - `altered`: the hash does not match the content (a field was changed);
 * - `reordered`: the content hashes right at another position (entries were swapped or moved);
 * - `removed`: positions are missing before this entry (or after the last, when the parent acknowledged more);
 * - `broken_link`: `prevHash` is not the previous entry's hash (the previous one was changed and re-hashed).
 */
export async function verifyChain(
  source: string,
  items: AsyncIterable<ChainItem> | Iterable<ChainItem>,
  opts: VerifyOptions = {},
): Promise<ChainReport> {
  const problems: ChainProblem[] = [];
  let problemCount = 0;
  const report = (p: ChainProblem): void => {
    problemCount += 1;
    if (problems.length < MAX_PROBLEMS) {
      problems.push(p);
    }
  };
  let entries = 0;
  let firstSeq: number | null = null;
  let prev: { seq: number; id: number; hash: string; bad: boolean } | null = null;
  /** The 'removed' problem of each position reported missing, in case it turns up later. */
  const missingAt = new Map<number, ChainProblem>();

  for await (const item of items) {
    if ('unreadable' in item) {
      report({ kind: 'altered', seq: null, id: null, line: item.line, message: `not an audit entry: ${item.reason}` });
      continue;
    }
    const e = item;
    entries += 1;
    firstSeq ??= e.seq;
    const where = { seq: e.seq, id: e.id, ...(e.line !== undefined ? { line: e.line } : {}) };
    const before = problemCount;
    const expected = prev ? prev.seq + 1 : opts.partial ? e.seq : 1;
    const gap = e.seq > expected;

    if (e.seq < expected) {
      // A position reported missing turns up later: the entries were moved, not removed.
      const earlier = missingAt.get(e.seq);
      if (earlier) {
        earlier.kind = 'reordered';
        earlier.message = `seq ${earlier.seq ?? '?'} (id ${earlier.id ?? '?'}) comes before seq ${e.seq} (id ${e.id}): ${AUDIT_PROBLEMS.reordered}`;
      } else {
        report({
          kind: 'reordered',
          ...where,
          message: `seq ${e.seq} comes after seq ${prev?.seq ?? 0}: ${AUDIT_PROBLEMS.reordered}`,
        });
      }
    } else if (gap && !opts.partial) {
      const missing = e.seq - expected === 1 ? `seq ${expected} is` : `seq ${expected}–${e.seq - 1} are`;
      const problem: ChainProblem = {
        kind: 'removed',
        ...where,
        message: `${missing} missing before seq ${e.seq} (id ${e.id})`,
      };
      report(problem);
      for (let s = expected; s < e.seq && s < expected + REORDER_WINDOW; s++) {
        missingAt.set(s, problem);
      }
    }

    if (e.source !== source) {
      report({ kind: 'altered', ...where, message: `the entry belongs to the chain of ${e.source}, not ${source}` });
    } else if (hashOf(source, e) !== e.hash) {
      const at = writtenAt(source, e);
      report(
        at === null
          ? { kind: 'altered', ...where, message: `seq ${e.seq} (id ${e.id}): ${AUDIT_PROBLEMS.altered}` }
          : {
              kind: 'reordered',
              ...where,
              message: `seq ${e.seq} (id ${e.id}) was written as seq ${at}: ${AUDIT_PROBLEMS.reordered}`,
            },
      );
    } else if (e.seq === 1 && e.prevHash !== AUDIT_GENESIS_HASH) {
      report({ kind: 'broken_link', ...where, message: 'the first entry does not start the chain (prevHash)' });
    } else if (prev && !prev.bad && !gap && e.seq === prev.seq + 1 && e.prevHash !== prev.hash) {
      report({
        kind: 'broken_link',
        ...where,
        message: `seq ${e.seq} (id ${e.id}) does not link to seq ${prev.seq} (id ${prev.id}): ${AUDIT_PROBLEMS.broken_link}`,
      });
    }
    if (!prev || e.seq >= prev.seq) {
      prev = { seq: e.seq, id: e.id, hash: e.hash, bad: problemCount > before };
    }
  }

  const lastSeq = prev?.seq ?? null;
  if (opts.acknowledgedUpTo !== undefined && opts.acknowledgedUpTo > (lastSeq ?? 0)) {
    report({
      kind: 'removed',
      seq: (lastSeq ?? 0) + 1,
      id: null,
      message: `the chain ends at seq ${lastSeq ?? 0} but the parent center acknowledged it up to seq ${opts.acknowledgedUpTo}: the newest entries were removed`,
    });
  }
  return {
    ok: problemCount === 0,
    source,
    entries,
    firstSeq,
    lastSeq,
    headHash: prev?.hash ?? null,
    problemCount,
    firstProblem: problems[0] ?? null,
    problems,
  };
}
