import { z } from 'zod';
import { NodeId, Timestamp } from './ids.js';

/**
 * Single sign-on down the tree (S7). A center signs short-lived tickets with
 * its own Ed25519 key; the centers below it learn that key, and the keys of
 * the centers above, from `down/trust` over the cascade link (only the
 * parent can publish there), so a ticket from any center above is accepted.
 * A logout or revocation at the issuing center travels down as
 * `down/revoke` and ends the sessions its tickets opened.
 */

/** An Ed25519 public key as a JSON Web Key (RFC 8037). */
export const SigningKey = z.strictObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a base64url Ed25519 public key'),
});
export type SigningKey = z.infer<typeof SigningKey>;

/** One session of an issuing center, by the id its tickets carry. */
export const IssuedSession = z.strictObject({ issuer: NodeId, session: z.string().regex(/^[0-9a-f]{64}$/) });
export type IssuedSession = z.infer<typeof IssuedSession>;

/** `down/trust`: the keys a child center accepts tickets of — the parent's and those the parent trusts. */
export const TrustMessage = z.strictObject({
  issuers: z.array(z.strictObject({ center: NodeId, key: SigningKey })).max(10),
  /** Sessions ended recently at or above the parent, for a child that was away when they ended. */
  revoked: z.array(IssuedSession).max(10_000),
});
export type TrustMessage = z.infer<typeof TrustMessage>;

/** `down/revoke`: sessions ended at or above the parent; sessions opened by their tickets end too. */
export const RevokeMessage = z.strictObject({ sessions: z.array(IssuedSession).min(1).max(1000) });
export type RevokeMessage = z.infer<typeof RevokeMessage>;

/** How long a ticket may be used: long enough to open a page, too short to be worth stealing. */
export const SSO_TICKET_TTL_SEC = 60;

/** POST /api/auth/sso-ticket — a ticket for the console of a center below this one. */
export const SsoTicketRequest = z.strictObject({ center: NodeId });
export type SsoTicketRequest = z.infer<typeof SsoTicketRequest>;

export const SsoTicketResponse = z.strictObject({
  /** The child's console with the ticket in the fragment (never sent to a server in a URL). */
  url: z.string(),
  expiresAt: Timestamp,
});
export type SsoTicketResponse = z.infer<typeof SsoTicketResponse>;

/** POST /api/auth/sso — open a session here with a ticket from a center above. */
export const SsoLoginRequest = z.strictObject({ ticket: z.string().min(20).max(4000) });
export type SsoLoginRequest = z.infer<typeof SsoLoginRequest>;
