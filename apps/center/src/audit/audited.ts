import type { Logger } from '@bsm/runtime';
import { HttpError, markRecorded } from '../api/http-errors.js';
import type { AuditEntry } from './chain.js';

/** What a service needs of the audit trail. */
export interface AuditTrail {
  /** Writes one entry; rejects when it cannot be written (the trail has logged it loudly). */
  append(entry: AuditEntry): Promise<unknown>;
}

/** Who did it and from where, as the API knows it. */
export interface AuditContext {
  ip?: string | null;
}

/** An operation before its outcome is known. */
export type AuditIntent = Omit<AuditEntry, 'outcome'>;

/** How a refusal is recorded: its code and status (an HttpError) or that it failed. */
export function refusalDetail(error: unknown): Record<string, unknown> {
  if (error instanceof HttpError) {
    return { error: error.code, status: error.status, message: error.message.slice(0, 300) };
  }
  return { error: 'failed', message: (error instanceof Error ? error.message : String(error)).slice(0, 300) };
}

/** Records without waiting and without failing: for things that already happened (a viewer left). */
export function recordLater(audit: AuditTrail, log: Logger, entry: AuditEntry): void {
  audit.append(entry).catch((error: unknown) => {
    log.error({ err: error, action: entry.action, actor: entry.actor }, 'audit entry lost');
  });
}

async function recordOutcome(audit: AuditTrail, log: Logger, entry: AuditEntry): Promise<boolean> {
  try {
    await audit.append(entry);
    return true;
  } catch (error) {
    log.error({ err: error, action: entry.action, actor: entry.actor, target: entry.target }, 'audit entry lost');
    return false;
  }
}

/**
 * A data read (watching a camera, playing back, exporting, searching the
 * audit trail): it is handed over only once its audit entry is written. When
 * the trail cannot be written the reader gets 503 `audit_unavailable`
 * instead, since nobody may see data without a record of it. A refusal of
 * the read is recorded too (best effort) and passed on unchanged.
 */
export async function auditedRead<T>(
  audit: AuditTrail,
  log: Logger,
  intent: AuditIntent,
  read: () => Promise<T>,
  detailOf: (result: T) => Record<string, unknown> = () => ({}),
): Promise<T> {
  let result: T;
  try {
    result = await read();
  } catch (error) {
    await recordOutcome(audit, log, {
      ...intent,
      outcome: 'failure',
      detail: { ...intent.detail, ...refusalDetail(error) },
    });
    markRecorded(error);
    throw error;
  }
  const written = await recordOutcome(audit, log, {
    ...intent,
    outcome: 'success',
    detail: { ...intent.detail, ...detailOf(result) },
  });
  if (!written) {
    throw new HttpError(503, 'audit_unavailable', 'the audit trail cannot be written now, so this data is not shown');
  }
  return result;
}

/**
 * An action on the physical world (PTZ, alarm handling, panic, arming): it is
 * never held up or refused because the trail cannot be written — an officer
 * must be able to handle an alarm and staff to raise a panic whatever the
 * state of the audit database. Its outcome is recorded after it; a lost
 * entry is logged loudly.
 */
export async function auditedAction<T>(
  audit: AuditTrail,
  log: Logger,
  intent: AuditIntent,
  act: () => Promise<T>,
  detailOf: (result: T) => Record<string, unknown> = () => ({}),
): Promise<T> {
  let result: T;
  try {
    result = await act();
  } catch (error) {
    await recordOutcome(audit, log, {
      ...intent,
      outcome: 'failure',
      detail: { ...intent.detail, ...refusalDetail(error) },
    });
    markRecorded(error);
    throw error;
  }
  await recordOutcome(audit, log, { ...intent, outcome: 'success', detail: { ...intent.detail, ...detailOf(result) } });
  return result;
}
