import type { Db } from '../db/database.js';

export interface AuditEntry {
  actor: string | null;
  action: string;
  target?: string | null;
  outcome: 'success' | 'failure';
  ip?: string | null;
  detail?: Record<string, unknown>;
}

/** Append-only trail of authentications and data operations (tamper evidence comes with the security issue). */
export class AuditRepository {
  constructor(private readonly db: Db) {}

  async append(e: AuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({
        actor: e.actor,
        action: e.action,
        target: e.target ?? null,
        outcome: e.outcome,
        ip: e.ip ?? null,
        detail: JSON.stringify(e.detail ?? {}),
      })
      .execute();
  }
}
