import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newAlarmId, type Alarm } from '@bsm/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLogger } from '../testing/capture-logger.js';
import { JOURNAL_FILE, Outbox, type AlarmDraft, type OutboxOptions } from './outbox.js';

let dir: string;
const opened: Outbox[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bsm-outbox-'));
});

afterEach(async () => {
  for (const outbox of opened.splice(0)) {
    await outbox.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function open(options: Partial<OutboxOptions> = {}) {
  const log = captureLogger();
  const outbox = await Outbox.open(dir, { logger: log.logger, ...options });
  opened.push(outbox);
  return { outbox, lines: log.lines };
}

function draft(text = 'hall PIR'): AlarmDraft {
  return {
    id: newAlarmId(),
    origin: 'b1',
    path: ['b1'],
    type: 'intrusion',
    priority: 2,
    linkedCameras: [],
    occurredAt: new Date().toISOString(),
    source: 'panel',
    text,
  };
}

const journal = () => readFileSync(join(dir, JOURNAL_FILE), 'utf8');
const journalLines = () =>
  journal()
    .split('\n')
    .filter((l) => l !== '');

describe('Outbox', () => {
  it('numbers alarms from 1 and has each one on disk when add() resolves', async () => {
    const { outbox } = await open();
    const a = await outbox.add(draft('one'));
    const b = await outbox.add(draft('two'));
    expect([a.seq, b.seq]).toEqual([1, 2]);
    expect(journal()).toContain(a.id);
    expect(journal()).toContain(b.id);
    expect(outbox.pending().map((x) => x.id)).toEqual([a.id, b.id]);
    expect(outbox.oldest()?.id).toBe(a.id);
  });

  it('keeps unacknowledged alarms across a reopen, in seq order', async () => {
    const first = await open();
    const alarms: Alarm[] = [];
    for (let i = 0; i < 6; i++) {
      alarms.push(await first.outbox.add(draft(`alarm ${i}`)));
    }
    expect(first.outbox.ack([alarms[1]!.id, alarms[4]!.id])).toEqual([alarms[1]!.id, alarms[4]!.id]);
    await first.outbox.close();

    const { outbox } = await open();
    expect(outbox.pending().map((a) => a.seq)).toEqual([1, 3, 4, 6]);
    expect(outbox.pending()[0]).toEqual(alarms[0]);
    expect(outbox.size).toBe(4);
  });

  it('ignores acks of unknown or already acknowledged ids', async () => {
    const { outbox } = await open();
    const a = await outbox.add(draft());
    expect(outbox.ack([newAlarmId()])).toEqual([]);
    expect(outbox.ack([a.id])).toEqual([a.id]);
    expect(outbox.ack([a.id])).toEqual([]);
    expect(outbox.size).toBe(0);
  });

  it('never reuses a seq after a reopen, even when every alarm was acknowledged and compacted away', async () => {
    const first = await open({ compactMinDead: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await first.outbox.add(draft())).id);
    }
    first.outbox.ack(ids);
    await first.outbox.close();

    // Dead records dominate: the journal is rewritten on open to its head line alone.
    const second = await open();
    expect(second.outbox.size).toBe(0);
    expect(second.outbox.nextSeq).toBe(4);
    expect(journalLines()).toEqual(['{"t":"head","v":1,"nextSeq":4}']);
    expect((await second.outbox.add(draft())).seq).toBe(4);
    await second.outbox.close();

    const third = await open();
    expect((await third.outbox.add(draft())).seq).toBe(5);
  });

  it('tolerates a last line cut short by a crash, logs it, and appends cleanly after it', async () => {
    const first = await open();
    const kept = [await first.outbox.add(draft()), await first.outbox.add(draft())];
    await first.outbox.close();
    const torn = `{"t":"add","alarm":{"id":"${newAlarmId()}","origin":"b1","se`;
    appendFileSync(join(dir, JOURNAL_FILE), torn);

    const second = await open();
    expect(second.outbox.pending().map((a) => a.id)).toEqual(kept.map((a) => a.id));
    // Line 1 is the journal's head record.
    const warning = second.lines.find((l) => l.level === 'warn' && l.line === 4);
    expect(warning?.msg).toContain('truncated last line');
    expect(second.outbox.stats.damagedLines).toBe(1);
    const next = await second.outbox.add(draft());
    expect(next.seq).toBe(3);
    await second.outbox.close();

    // The new record was not glued onto the torn one.
    const third = await open();
    expect(third.outbox.pending().map((a) => a.seq)).toEqual([1, 2, 3]);
    expect(third.outbox.stats.damagedLines).toBe(0);
  });

  it('skips a damaged line in the middle, logging it as an error, and keeps the rest', async () => {
    const first = await open();
    const a = await first.outbox.add(draft());
    await first.outbox.close();
    appendFileSync(join(dir, JOURNAL_FILE), 'garbage\n');
    const second = await open();
    const b = await second.outbox.add(draft());
    await second.outbox.close();
    // Put damage back between the two alarms' lines.
    const lines = journalLines();
    writeFileSync(join(dir, JOURNAL_FILE), `${[lines[0], lines[1], '{"t":"add"}', ...lines.slice(2)].join('\n')}\n`);

    const third = await open();
    expect(third.outbox.pending().map((x) => x.id)).toEqual([a.id, b.id]);
    const error = third.lines.find((l) => l.level === 'error' && l.line === 3);
    expect(error?.msg).toContain('damaged journal line');
  });

  it('compacts when acknowledged records dominate, keeping the pending alarms and their order', async () => {
    const { outbox } = await open({ compactMinDead: 20 });
    const alarms: Alarm[] = [];
    for (let i = 0; i < 30; i++) {
      alarms.push(await outbox.add(draft(`a${i}`)));
    }
    const keep = new Set([alarms[3]!.id, alarms[17]!.id, alarms[29]!.id]);
    const compactionsBefore = outbox.stats.compactions;
    outbox.ack(alarms.filter((a) => !keep.has(a.id)).map((a) => a.id));
    await outbox.add(draft('after'));
    // close() waits for the flush loop, which compacts after writing a batch.
    await outbox.close();
    expect(outbox.stats.compactions).toBe(compactionsBefore + 1);
    // head + the 3 kept + the one added after.
    expect(journalLines()).toHaveLength(5);

    const reopened = await open();
    expect(reopened.outbox.pending().map((a) => a.seq)).toEqual([4, 18, 30, 31]);
    expect(reopened.outbox.nextSeq).toBe(32);
  });

  it('shares one fsync among the adds of one tick (group commit), durable in seq order', async () => {
    const durable: number[] = [];
    const { outbox } = await open({ onDurable: (a) => durable.push(a.seq) });
    const syncsBefore = outbox.stats.syncs;
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => outbox.add(draft(`burst ${i}`))));
    expect(results.map((a) => a.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(durable).toEqual(results.map((a) => a.seq));
    expect(outbox.stats.syncs - syncsBefore).toBeLessThanOrEqual(2);
  });

  it('refuses an invalid alarm without using up a seq', async () => {
    const { outbox } = await open();
    await expect(outbox.add({ ...draft(), type: 'earthquake' as never })).rejects.toThrow(/type/);
    expect((await outbox.add(draft())).seq).toBe(1);
  });

  it('refuses adds once closed', async () => {
    const { outbox } = await open();
    await outbox.close();
    await expect(outbox.add(draft())).rejects.toThrow(/closed/);
  });
});
