import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Alarm, describeZodError } from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import { encodeRecord, JOURNAL_VERSION, replayJournal } from './journal.js';

export const JOURNAL_FILE = 'outbox.jsonl';

/** An alarm before the outbox numbers it. */
export type AlarmDraft = Omit<Alarm, 'seq'>;

export interface OutboxOptions {
  logger: Logger;
  /**
   * Rewrite the journal (pending alarms only) once at least this many dead
   * records (acknowledged alarms and their acks) have piled up and they
   * outnumber the pending alarms.
   */
  compactMinDead?: number;
  /** Called once per alarm, in seq order, as soon as it is on disk (before `add()` resolves). */
  onDurable?: (alarm: Alarm) => void;
}

export interface OutboxStats {
  /** fsyncs done for adds; fewer than adds when several share one (group commit). */
  syncs: number;
  compactions: number;
  /** Lines of the journal skipped as damaged when it was opened. */
  damagedLines: number;
}

type Queued =
  | { kind: 'add'; line: string; alarm: Alarm; resolve: (a: Alarm) => void; reject: (e: Error) => void }
  | { kind: 'ack'; line: string };

/**
 * The durable alarm outbox: every alarm the agent accepts is journaled and
 * fsynced before `add()` resolves, and stays until the center acknowledges
 * it, across disconnects, restarts and SIGKILL.
 *
 * Writes are serialised by one flush loop. Adds that arrive while a write is
 * in progress (or in the same tick) go out together and share one fsync.
 */
export class Outbox {
  private readonly pendingById = new Map<string, Alarm>();
  private queue: Queued[] = [];
  private flushing: Promise<void> | undefined;
  private fh: FileHandle | undefined;
  private seq: number;
  private dead: number;
  private needsRewrite = false;
  private closed = false;
  private readonly compactMinDead: number;
  readonly stats: OutboxStats = { syncs: 0, compactions: 0, damagedLines: 0 };

  private constructor(
    readonly dir: string,
    private readonly options: OutboxOptions,
    replay: ReturnType<typeof replayJournal>,
  ) {
    for (const alarm of replay.pending) {
      this.pendingById.set(alarm.id, alarm);
    }
    this.seq = replay.nextSeq;
    this.dead = replay.dead;
    this.compactMinDead = options.compactMinDead ?? 5_000;
    this.stats.damagedLines = replay.problems.length;
  }

  /** Opens (or creates) the outbox in `dir`, replaying its journal. */
  static async open(dir: string, options: OutboxOptions): Promise<Outbox> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, JOURNAL_FILE);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw error;
      }
    }
    const replay = replayJournal(text ?? '');
    for (const problem of replay.problems) {
      if (problem.torn) {
        options.logger.warn(
          { journal: path, line: problem.line, reason: problem.reason },
          'outbox: ignoring a truncated last line (a write cut short by a crash)',
        );
      } else {
        options.logger.error(
          { journal: path, line: problem.line, reason: problem.reason },
          'outbox: skipping a damaged journal line',
        );
      }
    }
    const outbox = new Outbox(dir, options, replay);
    if (text === undefined || replay.needsRewrite || replay.dead > replay.pending.length) {
      await outbox.rewrite();
    } else {
      outbox.fh = await open(path, 'a');
    }
    options.logger.info(
      { pending: outbox.size, nextSeq: outbox.nextSeq, damagedLines: replay.problems.length },
      'outbox opened',
    );
    return outbox;
  }

  get path(): string {
    return join(this.dir, JOURNAL_FILE);
  }

  /** Alarms waiting for the center's acknowledgement. */
  get size(): number {
    return this.pendingById.size;
  }

  /** The seq the next alarm will get. */
  get nextSeq(): number {
    return this.seq;
  }

  has(id: string): boolean {
    return this.pendingById.has(id);
  }

  /** The pending alarm with the lowest seq. */
  oldest(): Alarm | undefined {
    return this.pendingById.values().next().value;
  }

  /** Pending alarms in seq order (a snapshot). */
  pending(): Alarm[] {
    return [...this.pendingById.values()];
  }

  /** Numbers the alarm, journals it and resolves once it is on disk. */
  add(draft: AlarmDraft): Promise<Alarm> {
    if (this.closed) {
      return Promise.reject(new Error('outbox is closed'));
    }
    const parsed = Alarm.safeParse({ ...draft, seq: this.seq });
    if (!parsed.success) {
      return Promise.reject(new Error(`invalid alarm: ${describeZodError(parsed.error)}`));
    }
    const alarm = parsed.data;
    this.seq += 1;
    return new Promise<Alarm>((resolve, reject) => {
      this.queue.push({ kind: 'add', line: encodeRecord({ t: 'add', alarm }), alarm, resolve, reject });
      this.scheduleFlush();
    });
  }

  /**
   * Drops acknowledged alarms. Returns the ids that were pending. The ack
   * record is written without waiting for fsync: losing it in a crash only
   * means the alarm is sent again, and the center deduplicates by id.
   */
  ack(ids: readonly string[]): string[] {
    const removed = ids.filter((id) => this.pendingById.delete(id));
    if (removed.length > 0 && !this.closed) {
      this.dead += removed.length + 1;
      this.queue.push({ kind: 'ack', line: encodeRecord({ t: 'ack', ids: removed }) });
      this.scheduleFlush();
    }
    return removed;
  }

  /** Waits for queued writes and closes the journal. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) {
      await this.flushing;
    }
    await this.fh?.close();
    this.fh = undefined;
  }

  private scheduleFlush(): void {
    if (this.flushing) {
      return;
    }
    // setImmediate rather than a microtask: every add of this tick (and of the
    // I/O callbacks already due) joins the first batch and its fsync.
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flushLoop())
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'outbox: flush failed'))
      .finally(() => {
        this.flushing = undefined;
        // Records queued after the loop's last look at the queue, before this callback.
        if (this.queue.length > 0) {
          this.scheduleFlush();
        }
      });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const adds = batch.filter((q) => q.kind === 'add');
      try {
        if (this.needsRewrite) {
          await this.rewrite();
        }
        const fh = this.fh;
        if (!fh) {
          throw new Error('outbox journal is not open');
        }
        await fh.appendFile(batch.map((q) => q.line).join(''));
        if (adds.length > 0) {
          await fh.datasync();
          this.stats.syncs += 1;
        }
      } catch (error) {
        // Part of the batch may be on disk, perhaps half a line: rewrite the
        // journal from memory before the next append.
        this.needsRewrite = true;
        this.options.logger.error({ err: error, alarms: adds.length }, 'outbox: journal write failed');
        for (const add of adds) {
          add.reject(new Error(`alarm not stored: ${(error as Error).message}`));
        }
        continue;
      }
      for (const add of adds) {
        this.pendingById.set(add.alarm.id, add.alarm);
        this.options.onDurable?.(add.alarm);
      }
      for (const add of adds) {
        add.resolve(add.alarm);
      }
      if (this.dead >= this.compactMinDead && this.dead > this.pendingById.size) {
        try {
          await this.rewrite();
        } catch (error) {
          this.options.logger.error({ err: error }, 'outbox: compaction failed; the journal keeps growing');
        }
      }
    }
  }

  /**
   * Writes the pending alarms (and the next seq) to a temporary file, fsyncs
   * it, renames it over the journal and fsyncs the directory: a crash at any
   * point leaves either the old journal or the new one, both complete.
   */
  private async rewrite(): Promise<void> {
    const path = this.path;
    const tmp = `${path}.tmp`;
    const lines = [encodeRecord({ t: 'head', v: JOURNAL_VERSION, nextSeq: this.seq })];
    for (const alarm of this.pendingById.values()) {
      lines.push(encodeRecord({ t: 'add', alarm }));
    }
    const out = await open(tmp, 'w');
    try {
      await out.writeFile(lines.join(''));
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, path);
    await syncDir(this.dir);
    const previous = this.fh;
    this.fh = await open(path, 'a');
    await previous?.close();
    this.dead = 0;
    this.needsRewrite = false;
    this.stats.compactions += 1;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
