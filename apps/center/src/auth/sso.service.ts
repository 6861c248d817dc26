import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  SigningKey,
  SSO_TICKET_TTL_SEC,
  type CenterInfo,
  type IssuedSession,
  type RevokeMessage,
  type SsoTicketResponse,
  type TrustMessage,
} from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import { decodeJwt, importJWK, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { HttpError } from '../api/http-errors.js';
import type { Db } from '../db/database.js';
import type { AuditRepository } from '../repositories/audit.repository.js';
import type { UserRepository } from '../repositories/user.repository.js';
import type { NodeIndex } from '../services/node-index.js';
import { AuthError, type Session, type SignedIn } from './auth.service.js';
import { IpRules } from './ip-rules.js';
import type { CenterKey } from './signing-keys.js';
import { hashToken } from './tokens.js';

/** The id a session's tickets carry: derived from its token hash, which never leaves this center. */
export const sessionIdOf = (tokenHash: string): string => createHash('sha256').update(`sid:${tokenHash}`).digest('hex');

/** What a ticket says, checked after its signature. */
const TicketClaims = z.object({
  iss: z.string(),
  aud: z.string(),
  sub: z.string().min(1).max(200),
  jti: z.string().min(8).max(100),
  name: z.string().max(200),
  role: z.string(),
  perms: z.array(z.string()).max(20),
  jur: z.string(),
  ips: z.array(z.string()).max(32),
  sid: z.string().regex(/^[0-9a-f]{64}$/),
});

/** How long forwarded revocations are remembered for a child that reconnects. */
const REMEMBER_REVOKED_MS = 24 * 3600_000;

export interface SsoDeps {
  db: Db;
  users: UserRepository;
  audit: AuditRepository;
  index: NodeIndex;
  log: Logger;
  center: CenterInfo;
  key: CenterKey;
  idleMinutes: number;
  /** The direct child centers, online or not. */
  childCenters: () => string[];
  sendDown: (child: string, kind: 'trust' | 'revoke', message: TrustMessage | RevokeMessage) => void;
  /** Sessions ended here: close their consoles. */
  sessionsEnded: (tokenHashes: readonly string[]) => void;
}

/**
 * Single sign-on down the tree (S7): tickets this center signs for the
 * consoles of the centers below it, tickets of the centers above it that it
 * accepts (keys learned from its parent), and the end of those sessions when
 * the issuing session ends, passed on down.
 */
export class SingleSignOn {
  /** Centers above whose tickets are accepted here: the parent's key and the ones it trusts. */
  private readonly trusted = new Map<string, SigningKey>();
  /** Ticket ids already used (until they expire): a ticket opens one session. */
  private readonly usedTickets = new Map<string, number>();

  constructor(private readonly deps: SsoDeps) {}

  async start(): Promise<void> {
    const rows = await this.deps.db.selectFrom('trusted_issuers').selectAll().execute();
    for (const r of rows) {
      const key = SigningKey.safeParse(r.public_jwk);
      if (key.success) {
        this.trusted.set(r.center_id, key.data);
      }
    }
  }

  /** A ticket for a center below, for the signed-in user, with what they hold and may see. */
  async issue(session: Session, target: string): Promise<SsoTicketResponse> {
    const node = this.deps.index.get(target);
    if (!node || node.kind !== 'center' || target === this.deps.center.id) {
      throw new HttpError(404, 'not_found', `no center ${target} below this one`);
    }
    const { user } = session;
    // The user must see something there: the center is in their jurisdiction, or their jurisdiction lies below it.
    if (!this.deps.index.isWithin(target, user.jurisdiction) && !this.deps.index.isWithin(user.jurisdiction, target)) {
      throw new HttpError(403, 'outside_jurisdiction', `${node.name} is outside your jurisdiction`);
    }
    const consoleUrl = (
      await this.deps.db.selectFrom('nodes').select('console_url').where('id', '=', target).executeTakeFirst()
    )?.console_url;
    if (!consoleUrl) {
      throw new HttpError(409, 'no_console', `${node.name} has not told its console address`);
    }
    const expiresAt = new Date(Date.now() + SSO_TICKET_TTL_SEC * 1000);
    const ticket = await new SignJWT({
      name: user.displayName,
      role: user.role,
      perms: user.permissions,
      jur: user.jurisdiction,
      ips: session.allowedIps,
      sid: sessionIdOf(session.tokenHash),
    })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer(this.deps.center.id)
      .setAudience(target)
      .setSubject(user.username)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.deps.key.privateKey);
    await this.deps.audit.append({
      actor: user.username,
      action: 'auth.sso_ticket',
      target,
      outcome: 'success',
      detail: { center: target },
    });
    return { url: `${consoleUrl.replace(/\/$/, '')}/#sso=${ticket}`, expiresAt: expiresAt.toISOString() };
  }

  /** A ticket from a center above: a session here, within what the user may see here. */
  async accept(ticket: string, ip: string | null): Promise<SignedIn> {
    let issuer = '';
    try {
      issuer = decodeJwt(ticket).iss ?? '';
    } catch {
      throw new AuthError('bad_credentials', 'not a sign-on ticket');
    }
    const key = this.trusted.get(issuer);
    if (!key) {
      await this.refused(issuer, ip, 'ticket from a center this one does not trust');
      throw new AuthError('bad_credentials', `tickets of ${issuer || 'this issuer'} are not accepted here`);
    }
    let claims: z.infer<typeof TicketClaims>;
    try {
      const verified = await jwtVerify(ticket, await importJWK(key, 'EdDSA'), {
        issuer,
        audience: this.deps.center.id,
        algorithms: ['EdDSA'],
        maxTokenAge: `${SSO_TICKET_TTL_SEC + 30}s`,
      });
      claims = TicketClaims.parse(verified.payload);
    } catch (error) {
      await this.refused(issuer, ip, `invalid ticket: ${(error as Error).message}`);
      throw new AuthError('bad_credentials', 'the sign-on ticket is invalid or expired: sign in again above');
    }
    this.sweepTickets();
    if (this.usedTickets.has(claims.jti)) {
      await this.refused(issuer, ip, 'ticket used before');
      throw new AuthError('bad_credentials', 'this sign-on ticket was used already');
    }
    this.usedTickets.set(claims.jti, Date.now() + (SSO_TICKET_TTL_SEC + 60) * 1000);
    if (!IpRules.userAllowed(ip, claims.ips)) {
      await this.refused(issuer, ip, 'address not allowed for this user');
      throw new AuthError('address_refused', 'this account may not work from your address');
    }
    const self = this.deps.center.id;
    // Their jurisdiction here: all of this center's if theirs contains it, else theirs if it lies below this center.
    const jurisdiction = this.deps.index.isWithin(claims.jur, self) ? claims.jur : self;
    // A user from further up keeps the name their own center gave them (`op@fj`, not `op@fj@fz`).
    const username = claims.sub.includes('@') ? claims.sub : `${claims.sub}@${issuer}`;
    const token = randomBytes(32).toString('base64url');
    const user = {
      username,
      displayName: claims.name,
      role: claims.role,
      permissions: claims.perms,
      jurisdiction,
      allowedIps: claims.ips,
    };
    // Recorded before the session opens: no session here without its entry in the audit trail.
    await this.deps.audit.append({
      actor: username,
      action: 'auth.login',
      outcome: 'success',
      ip,
      detail: { factor: 'sso', issuer },
    });
    await this.deps.users.createRemoteSession({
      tokenHash: hashToken(token),
      user,
      issuer,
      issuerSession: claims.sid,
      expiresAt: new Date(Date.now() + this.deps.idleMinutes * 60_000),
      ip,
    });
    const session = await this.deps.users.touchSession(hashToken(token), this.deps.idleMinutes);
    if (!session) {
      throw new AuthError('bad_credentials', 'the session could not be opened');
    }
    return {
      token,
      user: {
        username,
        displayName: session.user.displayName,
        role: session.user.role,
        permissions: session.user.permissions,
        jurisdiction,
        center: this.deps.center,
      },
    };
  }

  /** `down/trust` from the parent: the keys to accept, and sessions ended above while this center was away. */
  async trustFromParent(message: TrustMessage): Promise<void> {
    this.trusted.clear();
    for (const { center, key } of message.issuers) {
      if (center !== this.deps.center.id) {
        this.trusted.set(center, key);
      }
    }
    await this.deps.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('trusted_issuers').execute();
      if (this.trusted.size > 0) {
        await tx
          .insertInto('trusted_issuers')
          .values([...this.trusted].map(([center, key]) => ({ center_id: center, public_jwk: JSON.stringify(key) })))
          .execute();
      }
    });
    this.deps.log.info({ issuers: [...this.trusted.keys()] }, 'single sign-on keys from the parent');
    if (message.revoked.length > 0) {
      await this.revokeFromParent({ sessions: message.revoked });
    }
    for (const child of this.deps.childCenters()) {
      await this.sendTrust(child);
    }
  }

  /** `down/revoke` from the parent: end the sessions opened with tickets of those sessions, and pass it on. */
  async revokeFromParent(message: RevokeMessage): Promise<void> {
    // Kept for a child that reconnects later, across a restart of this center too.
    if (message.sessions.length > 0) {
      await this.deps.db
        .insertInto('forwarded_revocations')
        .values(message.sessions.map((s) => ({ issuer: s.issuer, session: s.session })))
        .onConflict((oc) => oc.columns(['issuer', 'session']).doNothing())
        .execute();
    }
    await this.deps.db
      .deleteFrom('forwarded_revocations')
      .where('received_at', '<', new Date(Date.now() - REMEMBER_REVOKED_MS))
      .execute();
    const ended = await this.deps.users.revokeIssued(message.sessions);
    if (ended.length > 0) {
      this.deps.log.info({ sessions: ended.length }, 'sessions ended by a logout above');
    }
    this.sessionsEnded(ended, message.sessions);
  }

  /**
   * Sessions ended here (logout, revocation, a logout above): close their
   * consoles and tell the child centers, so the sessions our tickets opened
   * there end too; `passOn` are revocations from above to forward.
   */
  sessionsEnded(tokenHashes: readonly string[], passOn: readonly IssuedSession[] = []): void {
    if (tokenHashes.length > 0) {
      this.deps.sessionsEnded(tokenHashes);
    }
    const sessions = [
      ...passOn,
      ...tokenHashes.map((hash) => ({ issuer: this.deps.center.id, session: sessionIdOf(hash) })),
    ];
    if (sessions.length === 0) {
      return;
    }
    for (const child of this.deps.childCenters()) {
      for (let i = 0; i < sessions.length; i += 1000) {
        this.deps.sendDown(child, 'revoke', { sessions: sessions.slice(i, i + 1000) });
      }
    }
  }

  /** `down/trust` for a child center: this center's key and the ones it trusts, and recent revocations. */
  async sendTrust(child: string): Promise<void> {
    const since = new Date(Date.now() - this.deps.idleMinutes * 60_000);
    const own = (await this.deps.users.revokedSince(since)).map((r) => ({
      issuer: this.deps.center.id,
      session: sessionIdOf(r.tokenHash),
    }));
    const forwarded: IssuedSession[] = (
      await this.deps.db
        .selectFrom('forwarded_revocations')
        .select(['issuer', 'session'])
        .where('received_at', '>=', new Date(Date.now() - REMEMBER_REVOKED_MS))
        .orderBy('received_at', 'desc')
        .limit(10_000)
        .execute()
    ).reverse();
    const message: TrustMessage = {
      issuers: [
        { center: this.deps.center.id, key: this.deps.key.publicJwk },
        ...[...this.trusted].map(([center, key]) => ({ center, key })),
      ],
      revoked: [...own, ...forwarded].slice(-10_000),
    };
    this.deps.sendDown(child, 'trust', message);
  }

  private sweepTickets(): void {
    const now = Date.now();
    for (const [jti, until] of this.usedTickets) {
      if (until < now) {
        this.usedTickets.delete(jti);
      }
    }
  }

  private async refused(issuer: string, ip: string | null, reason: string): Promise<void> {
    await this.deps.audit.append({
      actor: issuer ? `?@${issuer}` : null,
      action: 'auth.login',
      outcome: 'failure',
      ip,
      detail: { factor: 'sso', reason },
    });
  }
}
