import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Expiring HMAC-SHA256 tokens for the media server's URLs. A token is bound to
 * its purpose (so a play URL can never be used to publish), the stream name,
 * its expiry and optionally a subject (who it was issued to, for the audit).
 *
 * On the wire it is the query string `exp=<unix s>&sig=<hex>[&sub=<subject>]`,
 * where `sig` is 8 hex digits of SHA-256(stream) followed by the 64 hex digits
 * of the HMAC. The short unkeyed prefix only lets a refusal say `wrong_stream`
 * rather than `bad_signature` (the stream name is in the URL anyway); the HMAC,
 * which covers the stream too, is what grants access.
 */
export type TokenPurpose = 'play' | 'publish';

export type Refusal = 'unsigned' | 'expired' | 'bad_signature' | 'wrong_stream';

export type Verdict = { ok: true; sub: string | null; exp: number } | { ok: false; reason: Refusal };

export interface SignedParams {
  exp: number;
  sig: string;
  sub?: string;
}

const STREAM_TAG_HEX = 8;
const HMAC_HEX = 64;
/** A subject goes into a URL and a log line; keep it short and boring. */
const SUBJECT = /^[A-Za-z0-9._:@-]{1,96}$/;

const streamTag = (stream: string): string =>
  createHash('sha256').update(stream).digest('hex').slice(0, STREAM_TAG_HEX);

const mac = (secret: Buffer, purpose: TokenPurpose, stream: string, exp: number, sub: string | null): string =>
  createHmac('sha256', secret)
    // Newlines cannot occur in any field (stream names and subjects are checked), so the message is unambiguous.
    .update(`bsm-media-v1\n${purpose}\n${stream}\n${exp}\n${sub ?? ''}`)
    .digest('hex');

/** Signs `stream` for `purpose` until `exp` (unix seconds). */
export function signToken(
  secret: Buffer,
  purpose: TokenPurpose,
  stream: string,
  exp: number,
  sub?: string,
): SignedParams {
  if (sub !== undefined && !SUBJECT.test(sub)) {
    throw new Error(`token subject must match ${SUBJECT.source}`);
  }
  if (!Number.isSafeInteger(exp) || exp <= 0) {
    throw new Error('token expiry must be a positive integer of unix seconds');
  }
  const sig = streamTag(stream) + mac(secret, purpose, stream, exp, sub ?? null);
  return sub === undefined ? { exp, sig } : { exp, sig, sub };
}

/** `exp=…&sig=…[&sub=…]`, ready to append after `?`. */
export function toQuery(params: SignedParams): string {
  const q = new URLSearchParams({ exp: String(params.exp), sig: params.sig });
  if (params.sub !== undefined) {
    q.set('sub', params.sub);
  }
  return q.toString();
}

/** A query value as node's querystring or express gives it: absent, one string, or repeated. */
type QueryValue = string | string[] | undefined;

const single = (v: QueryValue): string | undefined => (Array.isArray(v) ? undefined : v);

/**
 * Checks the query of a request for `stream`: a missing token is `unsigned`,
 * a token for another stream `wrong_stream`, an outdated one `expired`, and
 * anything else that does not verify `bad_signature`. Expiry is judged before
 * the HMAC: `exp` is in the URL for anyone to read, so this leaks nothing, and
 * an old bookmark gets the reason a user can act on.
 */
export function verifyToken(
  secret: Buffer,
  purpose: TokenPurpose,
  stream: string,
  query: Record<string, QueryValue>,
  nowSec: number,
): Verdict {
  if ([query.exp, query.sig, query.sub].some((v) => Array.isArray(v))) {
    // A repeated parameter is someone probing which copy wins; no token of ours has one.
    return { ok: false, reason: 'bad_signature' };
  }
  const expText = single(query.exp);
  const sig = single(query.sig);
  const subText = single(query.sub);
  if (expText === undefined || sig === undefined || expText === '' || sig === '') {
    return { ok: false, reason: 'unsigned' };
  }
  if (!/^\d{1,15}$/.test(expText) || !/^[0-9a-f]+$/.test(sig) || sig.length !== STREAM_TAG_HEX + HMAC_HEX) {
    return { ok: false, reason: 'bad_signature' };
  }
  if (subText !== undefined && !SUBJECT.test(subText)) {
    return { ok: false, reason: 'bad_signature' };
  }
  if (sig.slice(0, STREAM_TAG_HEX) !== streamTag(stream)) {
    return { ok: false, reason: 'wrong_stream' };
  }
  const exp = Number(expText);
  if (exp < nowSec) {
    return { ok: false, reason: 'expired' };
  }
  const expected = Buffer.from(mac(secret, purpose, stream, exp, subText ?? null), 'hex');
  const given = Buffer.from(sig.slice(STREAM_TAG_HEX), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  return { ok: true, sub: subText ?? null, exp };
}
