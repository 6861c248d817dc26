import type {
  AuditExportQuery,
  AuditListResponse,
  AuditQuery,
  AuditRecord,
  AuditSourcesResponse,
  HealthResponse,
  SessionUser,
} from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import { HttpError } from '../api/http-errors.js';
import type { AuditCopyRepository } from '../repositories/audit-copy.repository.js';
import type { AuditFilter, AuditRepository } from '../repositories/audit.repository.js';
import { auditedRead, type AuditContext } from './audited.js';

export interface AuditServiceDeps {
  selfId: string;
  selfName: string;
  own: AuditRepository;
  copies: AuditCopyRepository;
  /** Whether a node lies in a user's jurisdiction, and its name. */
  isWithin: (nodeId: string, root: string) => boolean;
  nameOf: (nodeId: string) => string;
  log: Logger;
}

/** Entries read from the database at a time while an export streams. */
const EXPORT_PAGE = 1000;

const filterOf = (q: AuditFilter): AuditFilter => ({
  ...(q.from !== undefined ? { from: q.from } : {}),
  ...(q.to !== undefined ? { to: q.to } : {}),
  ...(q.actor !== undefined ? { actor: q.actor } : {}),
  ...(q.action !== undefined ? { action: q.action } : {}),
  ...(q.target !== undefined ? { target: q.target } : {}),
  ...(q.outcome !== undefined ? { outcome: q.outcome } : {}),
});

/**
 * The auditors' view of the trail: searching and exporting this center's
 * chain and the copies of the chains below it, within the user's
 * jurisdiction. Only the `audit` permission opens it; every search and
 * export is itself recorded, before anything is shown, and a refused attempt
 * too.
 */
export class AuditService {
  constructor(private readonly deps: AuditServiceDeps) {}

  private mayAudit(user: SessionUser): void {
    if (!user.permissions.includes('audit')) {
      throw new HttpError(403, 'forbidden', 'reading the audit trail needs the audit permission');
    }
  }

  /** The chain asked for, when the user may read it. */
  private sourceFor(user: SessionUser, source: string | undefined): string {
    this.mayAudit(user);
    const chain = source ?? this.deps.selfId;
    if (!this.deps.isWithin(chain, user.jurisdiction)) {
      throw new HttpError(403, 'outside_jurisdiction', `the audit trail of ${chain} is outside your jurisdiction`);
    }
    return chain;
  }

  async search(user: SessionUser, q: AuditQuery, ctx: AuditContext = {}): Promise<AuditListResponse> {
    const filter = filterOf(q);
    return auditedRead(
      this.deps.own,
      this.deps.log,
      {
        actor: user.username,
        action: 'audit.search',
        target: q.source ?? this.deps.selfId,
        ip: ctx.ip ?? null,
        detail: { ...filter, limit: q.limit, ...(q.cursor !== undefined ? { cursor: q.cursor } : {}) },
      },
      async () => {
        const source = this.sourceFor(user, q.source);
        const entries = await this.deps.own.search(source, filter, q.limit, q.cursor);
        const last = entries.at(-1);
        return {
          source,
          entries,
          nextCursor: entries.length === q.limit && last && last.seq > 1 ? last.seq : null,
        };
      },
      (page) => ({ returned: page.entries.length }),
    );
  }

  /**
   * The entries an export holds, oldest first, a page at a time. The export
   * is recorded (or refused) before the first entry is read.
   */
  async export(
    user: SessionUser,
    q: AuditExportQuery,
    ctx: AuditContext = {},
  ): Promise<{ source: string; entries: AsyncGenerator<AuditRecord> }> {
    const filter = filterOf(q);
    const source = await auditedRead(
      this.deps.own,
      this.deps.log,
      {
        actor: user.username,
        action: 'audit.export',
        target: q.source ?? this.deps.selfId,
        ip: ctx.ip ?? null,
        detail: { ...filter, format: q.format },
      },
      () => Promise.resolve(this.sourceFor(user, q.source)),
    );
    const own = this.deps.own;
    async function* entries(): AsyncGenerator<AuditRecord> {
      let after = 0;
      for (;;) {
        const page = await own.exportPage(source, filter, after, EXPORT_PAGE);
        yield* page;
        const last = page.at(-1);
        if (!last || page.length < EXPORT_PAGE) {
          return;
        }
        after = last.seq;
      }
    }
    return { source, entries: entries() };
  }

  /** For /api/health: our chain's head, what the parent has not acknowledged, breaks found in copies. */
  async health(hasParent: boolean): Promise<HealthResponse['audit']> {
    const [head, copies, counts, cursors] = await Promise.all([
      this.deps.own.head(),
      this.deps.copies.heads(),
      this.deps.copies.breakCounts(),
      hasParent ? this.deps.copies.cursors() : Promise.resolve(new Map<string, number>()),
    ]);
    const lastSeq = head?.seq ?? 0;
    const owed = (source: string, last: number): number => Math.max(0, last - (cursors.get(source) ?? 0));
    return {
      lastSeq,
      pendingUp: hasParent
        ? owed(this.deps.selfId, lastSeq) + copies.reduce((n, c) => n + owed(c.source, c.lastSeq), 0)
        : null,
      breaks: [...counts.values()].reduce((a, b) => a + b, 0),
    };
  }

  /** The chains held here that the user may read, with the breaks found in the copies. */
  async sources(user: SessionUser): Promise<AuditSourcesResponse> {
    this.mayAudit(user);
    const { selfId, isWithin } = this.deps;
    const [head, copies, counts, breaks] = await Promise.all([
      this.deps.own.head(),
      this.deps.copies.heads(),
      this.deps.copies.breakCounts(),
      this.deps.copies.breaks(200),
    ]);
    const sources: AuditSourcesResponse['sources'] = [];
    if (isWithin(selfId, user.jurisdiction)) {
      sources.push({
        source: selfId,
        name: this.deps.selfName,
        own: true,
        lastSeq: head?.seq ?? 0,
        lastAt: head?.at.toISOString() ?? null,
        breaks: 0,
      });
    }
    for (const c of copies) {
      if (isWithin(c.source, user.jurisdiction)) {
        sources.push({
          source: c.source,
          name: this.deps.nameOf(c.source),
          own: false,
          lastSeq: c.lastSeq,
          lastAt: c.lastAt?.toISOString() ?? null,
          breaks: counts.get(c.source) ?? 0,
        });
      }
    }
    return {
      self: selfId,
      sources,
      breaks: breaks.filter((b) => isWithin(b.source, user.jurisdiction)),
    };
  }
}
