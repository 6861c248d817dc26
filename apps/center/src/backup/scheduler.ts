import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupHealth } from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import type { BackupConfig } from '../config.js';
import type { AuditEntry } from '../repositories/audit.repository.js';
import { BackupBusyError, makeBackup, type BackupResult } from './dump.js';
import { listBackups, pruneBackups } from './store.js';

/**
 * The center's own backup schedule: one backup every `intervalMinutes`,
 * never two at once (in this process by a flag, across processes by the
 * backup's advisory lock), retention after each good one, every result
 * logged and kept for `/api/health`. Nothing it does can stop the center:
 * a failure is logged, reported and retried.
 */

/** A failed backup is tried again after at most this long. */
const RETRY_MS = 15 * 60_000;
/** setTimeout's limit. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface BackupTarget {
  centerId: string;
  databaseUrl: string;
  config: BackupConfig;
}

export interface BackupRun extends BackupResult {
  /** Backups removed by retention afterwards. */
  pruned: string[];
  /** Retention could not run (the backup itself is good). */
  pruneError: string | null;
}

/** One backup and then retention: what the schedule does each time, and `npm run center -- backup`. */
export async function backupOnce(
  target: BackupTarget,
  opts: { signal?: AbortSignal; now?: () => Date } = {},
): Promise<BackupRun> {
  const now = opts.now ?? (() => new Date());
  const result = await makeBackup({
    centerId: target.centerId,
    databaseUrl: target.databaseUrl,
    dir: target.config.dir,
    method: target.config.method,
    pgDumpPath: target.config.pgDumpPath,
    signal: opts.signal,
    now,
  });
  try {
    const pruned = await pruneBackups(
      target.config.dir,
      target.centerId,
      { keep: target.config.keep, keepDays: target.config.keepDays },
      now(),
    );
    return { ...result, pruned, pruneError: null };
  } catch (error) {
    return { ...result, pruned: [], pruneError: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * When the next backup runs: an interval after the newest good one; after a
 * failure, the retry delay after it (never at once, so a backup that keeps
 * failing does not spin); and never before `earliest`.
 */
export function nextRunAt(o: {
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  intervalMs: number;
  earliest: Date;
}): Date {
  let due = o.earliest.getTime();
  if (o.lastFailureAt && (!o.lastSuccessAt || o.lastFailureAt > o.lastSuccessAt)) {
    due = o.lastFailureAt.getTime() + Math.min(o.intervalMs, RETRY_MS);
  } else if (o.lastSuccessAt) {
    due = o.lastSuccessAt.getTime() + o.intervalMs;
  }
  return new Date(Math.max(due, o.earliest.getTime()));
}

export type BackupOutcome = { ok: true; run: BackupRun } | { ok: false; error: string };

/** What the audit trail records of a backup: `system.backup`, with the file and its hash, or the error. */
export function backupAuditEntry(outcome: BackupOutcome, extra: Record<string, unknown> = {}): AuditEntry {
  return outcome.ok
    ? {
        actor: null,
        action: 'system.backup',
        target: outcome.run.name,
        outcome: 'success',
        detail: {
          method: outcome.run.method,
          bytes: outcome.run.bytes,
          sha256: outcome.run.sha256,
          tables: outcome.run.tables,
          rows: outcome.run.rows,
          durationMs: outcome.run.durationMs,
          pruned: outcome.run.pruned,
          ...extra,
        },
      }
    : { actor: null, action: 'system.backup', outcome: 'failure', detail: { error: outcome.error, ...extra } };
}

export const DISABLED_BACKUP_HEALTH: BackupHealth = {
  enabled: false,
  running: false,
  last: null,
  lastSuccessAt: null,
  nextAt: null,
};

export class BackupScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private closed = false;
  private last: BackupHealth['last'] = null;
  private lastSuccessAt: Date | null = null;
  private lastFailureAt: Date | null = null;
  private nextAt: Date | null = null;
  private readonly now: () => Date;

  constructor(
    private readonly target: BackupTarget,
    private readonly log: Logger,
    private readonly opts: {
      startDelayMs?: number;
      now?: () => Date;
      /** Told each scheduled backup's outcome (the center records it in its audit trail). */
      onResult?: (outcome: BackupOutcome) => Promise<void> | void;
    } = {},
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Finds the newest backup already there, then schedules the next. Never throws. */
  async start(): Promise<void> {
    const { dir } = this.target.config;
    try {
      const newest = (await listBackups(dir, this.target.centerId))[0];
      if (newest) {
        const size = await stat(join(dir, newest.name)).then((s) => s.size);
        this.lastSuccessAt = newest.at;
        this.last = {
          at: newest.at.toISOString(),
          ok: true,
          file: newest.name,
          method: null,
          sizeBytes: size,
          durationMs: null,
        };
      }
    } catch (error) {
      this.log.warn({ err: error, dir }, 'backup directory not readable: the first backup will say why');
    }
    this.schedule(new Date(this.now().getTime() + (this.opts.startDelayMs ?? 60_000)));
    this.log.info(
      {
        dir,
        intervalMinutes: this.target.config.intervalMinutes,
        keep: this.target.config.keep,
        keepDays: this.target.config.keepDays ?? null,
        lastBackup: this.last?.file ?? null,
        nextAt: this.nextAt?.toISOString() ?? null,
      },
      'backups scheduled',
    );
  }

  /** Runs a backup now, or waits for the one running. */
  runNow(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  status(): BackupHealth {
    return {
      enabled: true,
      running: this.running !== null,
      last: this.last,
      lastSuccessAt: this.lastSuccessAt?.toISOString() ?? null,
      nextAt: this.closed ? null : (this.nextAt?.toISOString() ?? null),
    };
  }

  /** Stops the schedule; a backup in progress is aborted and its partial file removed. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.abort.abort();
    await this.running;
  }

  private async report(outcome: BackupOutcome): Promise<void> {
    try {
      await this.opts.onResult?.(outcome);
    } catch (error) {
      this.log.warn({ err: error }, 'could not record the backup result');
    }
  }

  private schedule(earliest: Date): void {
    if (this.closed) {
      return;
    }
    const at = nextRunAt({
      lastSuccessAt: this.lastSuccessAt,
      lastFailureAt: this.lastFailureAt,
      intervalMs: this.target.config.intervalMinutes * 60_000,
      earliest,
    });
    this.nextAt = at;
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(
      () => {
        this.timer = null;
        void this.runNow();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, at.getTime() - this.now().getTime())),
    );
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const at = this.now();
    try {
      const r = await backupOnce(this.target, { signal: this.abort.signal, now: this.now });
      this.lastSuccessAt = r.startedAt;
      this.last = {
        at: r.startedAt.toISOString(),
        ok: true,
        file: r.name,
        method: r.method,
        sizeBytes: r.bytes,
        durationMs: r.durationMs,
      };
      this.log.info(
        {
          file: r.file,
          bytes: r.bytes,
          durationMs: r.durationMs,
          tables: r.tables,
          rows: r.rows,
          method: r.method,
          ...(r.methodReason ? { methodReason: r.methodReason } : {}),
          sha256: r.sha256,
          pruned: r.pruned,
        },
        'backup done',
      );
      if (r.pruneError) {
        this.log.warn({ dir: this.target.config.dir, error: r.pruneError }, 'backup retention failed');
      }
      await this.report({ ok: true, run: r });
    } catch (error) {
      if (this.closed) {
        this.log.info('backup in progress stopped by shutdown');
      } else if (error instanceof BackupBusyError) {
        this.log.warn('backup skipped: another backup of this database is running (a manual `backup` command?)');
        this.lastFailureAt = at;
      } else {
        const message = error instanceof Error ? error.message : String(error);
        this.lastFailureAt = at;
        this.last = {
          at: at.toISOString(),
          ok: false,
          file: null,
          method: null,
          sizeBytes: null,
          durationMs: this.now().getTime() - at.getTime(),
          error: message.slice(0, 500),
        };
        this.log.error({ err: error, dir: this.target.config.dir }, 'backup failed');
        await this.report({ ok: false, error: message });
      }
    } finally {
      this.schedule(this.now());
    }
  }
}
