import { Alarm, AlarmId, describeZodError } from '@bsm/protocol';
import { z } from 'zod';

/**
 * The outbox journal is JSON lines, appended in order, one record a line:
 *
 * - `{"t":"head","v":1,"nextSeq":42}` first line of every rewritten journal:
 *   the sequence number the next alarm gets, so it survives even when every
 *   alarm has been acknowledged and compacted away;
 * - `{"t":"add","alarm":{…}}` an alarm accepted by the agent (the full wire
 *   alarm, seq included);
 * - `{"t":"ack","ids":["01J…", …]}` alarms the center has stored (or refused):
 *   they leave the outbox.
 */
export const JOURNAL_VERSION = 1;

export const JournalRecord = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('head'), v: z.literal(JOURNAL_VERSION), nextSeq: z.number().int().positive() }),
  z.strictObject({ t: z.literal('add'), alarm: Alarm }),
  z.strictObject({ t: z.literal('ack'), ids: z.array(AlarmId).min(1) }),
]);
export type JournalRecord = z.infer<typeof JournalRecord>;

export const encodeRecord = (record: JournalRecord): string => `${JSON.stringify(record)}\n`;

export interface JournalProblem {
  /** 1-based line number. */
  line: number;
  reason: string;
  /** The line is the last one and has no newline: a write cut short by a crash. */
  torn: boolean;
}

export interface ReplayResult {
  /** Alarms accepted and not acknowledged, in seq order. */
  pending: Alarm[];
  /** The seq the next alarm gets: never one that any journaled alarm had. */
  nextSeq: number;
  /** Records that no longer say anything (acknowledged alarms, their acks, an old head). */
  dead: number;
  problems: JournalProblem[];
  /** The journal should be rewritten: it has damage, or a last line without its newline. */
  needsRewrite: boolean;
}

/** Rebuilds the outbox from a journal's text. Damaged lines are reported and skipped, never fatal. */
export function replayJournal(text: string): ReplayResult {
  const pending = new Map<string, Alarm>();
  const problems: JournalProblem[] = [];
  let nextSeq = 1;
  let dead = 0;
  let heads = 0;
  const lines = text.split('\n');
  // Text ending in "\n" splits into a last empty string; anything else is a last line cut short.
  const tail = lines.pop() ?? '';
  const entries = lines.map((line, i) => ({ line, number: i + 1, torn: false }));
  if (tail !== '') {
    entries.push({ line: tail, number: lines.length + 1, torn: true });
  }
  for (const { line, number, torn } of entries) {
    if (line.trim() === '') {
      continue;
    }
    const record = parseLine(line);
    if (!record.ok) {
      problems.push({ line: number, reason: record.reason, torn });
      continue;
    }
    const r = record.value;
    switch (r.t) {
      case 'head':
        heads += 1;
        nextSeq = Math.max(nextSeq, r.nextSeq);
        break;
      case 'add':
        nextSeq = Math.max(nextSeq, r.alarm.seq + 1);
        if (pending.has(r.alarm.id)) {
          dead += 1;
        }
        pending.set(r.alarm.id, r.alarm);
        break;
      case 'ack':
        for (const id of r.ids) {
          if (pending.delete(id)) {
            dead += 1;
          }
        }
        dead += 1;
        break;
    }
  }
  dead += Math.max(0, heads - 1);
  return {
    pending: [...pending.values()].sort((a, b) => a.seq - b.seq),
    nextSeq,
    dead,
    problems,
    needsRewrite: problems.length > 0 || tail !== '',
  };
}

function parseLine(line: string): { ok: true; value: JournalRecord } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const parsed = JournalRecord.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: describeZodError(parsed.error) };
}
