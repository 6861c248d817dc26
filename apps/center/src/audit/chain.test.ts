import { AUDIT_GENESIS_HASH, AUDIT_LIMITS, AuditChainEntry } from '@bsm/protocol';
import { UP_EXAMPLES } from '../../../../packages/protocol/src/examples.js';
import { describe, expect, it } from 'vitest';
import { canonicalJson, chainMessage, hashOf, nextEntry, normalizeDetail, normalizeEntry } from './chain.js';

const AT = new Date('2026-12-01T08:00:00.123Z');

describe('the audit hash chain', () => {
  it('serializes a value the same way whatever the order of its keys', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, skip: undefined })).toBe('{"a":1}');
  });

  it('starts at seq 1 from the genesis hash and links each entry to the one before', () => {
    const first = nextEntry('fz', null, AT, { actor: 'lin', action: 'auth.login', outcome: 'success', ip: '10.0.0.1' });
    expect(first).toMatchObject({ seq: 1, prevHash: AUDIT_GENESIS_HASH, at: '2026-12-01T08:00:00.123Z' });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    const second = nextEntry('fz', first, AT, { actor: 'lin', action: 'video.play', outcome: 'failure' });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    expect(second.hash).not.toBe(first.hash);
  });

  it('gives a different hash for any change of any hashed field, and for another center', () => {
    const base = nextEntry('fz', null, AT, {
      actor: 'lin',
      action: 'video.play',
      target: 'fz-a.cam1',
      outcome: 'success',
      ip: '10.0.0.1',
      detail: { profile: 'main' },
    });
    const entry = { ...base, id: 1 };
    expect(hashOf('fz', entry)).toBe(base.hash);
    expect(hashOf('qz', entry)).not.toBe(base.hash);
    const changes: Partial<typeof entry>[] = [
      { seq: 2 },
      { at: '2026-12-01T08:00:00.124Z' },
      { actor: 'lin2' },
      { actor: null },
      { action: 'video.ptz' },
      { target: 'fz-a.cam2' },
      { outcome: 'failure' },
      { ip: '10.0.0.2' },
      { detail: { profile: 'sub' } },
      { prevHash: 'f'.repeat(64) },
    ];
    for (const change of changes) {
      expect(hashOf('fz', { ...entry, ...change }), JSON.stringify(change)).not.toBe(base.hash);
    }
  });

  it('keeps fields apart: moving text from one field into the next changes the hash', () => {
    const a = chainMessage('fz', {
      seq: 1,
      at: AT.toISOString(),
      actor: 'a,b',
      action: 'c',
      target: null,
      outcome: 'success',
      ip: null,
      detail: {},
      prevHash: AUDIT_GENESIS_HASH,
    });
    const b = chainMessage('fz', {
      seq: 1,
      at: AT.toISOString(),
      actor: 'a',
      action: 'b,c',
      target: null,
      outcome: 'success',
      ip: null,
      detail: {},
      prevHash: AUDIT_GENESIS_HASH,
    });
    expect(a).not.toBe(b);
  });

  it('stores what PostgreSQL can hold exactly: no NUL, no lone surrogate, empty text as null, cut to the limits', () => {
    const e = normalizeEntry({
      actor: 'ev\u0000il\uD800',
      action: 'auth.login',
      target: '',
      outcome: 'failure',
      ip: 'x'.repeat(100),
      detail: { name: 'a\u0000b', nested: { when: new Date(AT) }, nan: Number.NaN },
    });
    expect(e.actor).toBe('ev\uFFFDil\uFFFD');
    expect(e.target).toBeNull();
    expect(e.ip).toHaveLength(AUDIT_LIMITS.ip);
    expect(e.detail).toEqual({ name: 'a\uFFFDb', nested: { when: AT.toISOString() }, nan: null });
  });

  it('replaces an oversized detail by a bounded preview, so every entry fits the wire schema', () => {
    const detail = normalizeDetail({ note: '很'.repeat(5000) });
    expect(detail).toMatchObject({ truncated: true });
    expect(Buffer.byteLength(canonicalJson(detail))).toBeLessThanOrEqual(AUDIT_LIMITS.detailBytes);
    const entry = { ...nextEntry('fz', null, AT, { actor: 'a', action: 'b', outcome: 'success', detail }), id: 1 };
    expect(AuditChainEntry.safeParse(entry).success).toBe(true);
  });

  it('verifies the example of docs/protocol.md', () => {
    const { source, entries } = UP_EXAMPLES.audit;
    for (const e of entries) {
      expect(hashOf(source, e)).toBe(e.hash);
    }
  });
});
