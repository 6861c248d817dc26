import { describe, expect, it } from 'vitest';
import { signToken, toQuery, verifyToken } from './signing.js';

const SECRET = Buffer.from('0123456789abcdef0123456789abcdef');
const NOW = 1_760_000_000;
const queryOf = (q: string): Record<string, string> => Object.fromEntries(new URLSearchParams(q));

describe('media URL signing', () => {
  const token = signToken(SECRET, 'play', 'fzXsub', NOW + 60, 'u:alice');
  const query = queryOf(toQuery(token));

  it('accepts its own token until the expiry, and gives back the subject', () => {
    expect(query).toEqual({ exp: String(NOW + 60), sig: token.sig, sub: 'u:alice' });
    expect(token.sig).toMatch(/^[0-9a-f]{72}$/);
    expect(verifyToken(SECRET, 'play', 'fzXsub', query, NOW)).toEqual({ ok: true, sub: 'u:alice', exp: NOW + 60 });
    expect(verifyToken(SECRET, 'play', 'fzXsub', query, NOW + 60).ok).toBe(true);
  });

  it('works without a subject', () => {
    const t = signToken(SECRET, 'publish', 'fzXsub', NOW + 5);
    expect(toQuery(t)).toBe(`exp=${NOW + 5}&sig=${t.sig}`);
    expect(verifyToken(SECRET, 'publish', 'fzXsub', queryOf(toQuery(t)), NOW)).toEqual({
      ok: true,
      sub: null,
      exp: NOW + 5,
    });
  });

  it('refuses a URL without a token as unsigned', () => {
    expect(verifyToken(SECRET, 'play', 'fzXsub', {}, NOW)).toEqual({ ok: false, reason: 'unsigned' });
    expect(verifyToken(SECRET, 'play', 'fzXsub', { exp: query.exp }, NOW)).toEqual({ ok: false, reason: 'unsigned' });
    expect(verifyToken(SECRET, 'play', 'fzXsub', { sig: query.sig, exp: '' }, NOW)).toEqual({
      ok: false,
      reason: 'unsigned',
    });
  });

  it('refuses an expired token', () => {
    expect(verifyToken(SECRET, 'play', 'fzXsub', query, NOW + 61)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token signed for another stream', () => {
    expect(verifyToken(SECRET, 'play', 'fzXmain', query, NOW)).toEqual({ ok: false, reason: 'wrong_stream' });
  });

  it.each([
    ['a changed expiry', { ...query, exp: String(NOW + 3600) }],
    ['a changed subject', { ...query, sub: 'u:mallory' }],
    ['a dropped subject', { exp: query.exp!, sig: query.sig! }],
    ['a flipped signature digit', { ...query, sig: query.sig!.slice(0, -1) + (query.sig!.endsWith('0') ? '1' : '0') }],
    ['a short signature', { ...query, sig: query.sig!.slice(0, 40) }],
    ['a non-hex signature', { ...query, sig: 'z'.repeat(72) }],
    ['a non-numeric expiry', { ...query, exp: '1e12' }],
    ['a repeated parameter', { ...query, sig: [query.sig!, query.sig!] }],
  ])('refuses %s as bad_signature', (_what, q) => {
    expect(verifyToken(SECRET, 'play', 'fzXsub', q, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('never lets a play token publish, nor a token from another secret pass', () => {
    expect(verifyToken(SECRET, 'publish', 'fzXsub', query, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    const other = Buffer.from('another secret of thirty-two byte');
    expect(verifyToken(other, 'play', 'fzXsub', query, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses to sign a subject that would not survive a URL or a log line', () => {
    expect(() => signToken(SECRET, 'play', 's', NOW, 'a b')).toThrow(/subject/);
    expect(() => signToken(SECRET, 'play', 's', NOW, 'x\ny')).toThrow(/subject/);
  });
});
