import { describe, expect, it } from 'vitest';
import { DOWN_EXAMPLES, UP_EXAMPLES } from './examples.js';
import {
  MAX_PAYLOAD_BYTES,
  MAX_SMALL_PAYLOAD_BYTES,
  decodeDown,
  decodeUp,
  encode,
  nulPath,
  type Decoded,
} from './decode.js';
import { DOWN_MESSAGES, UP_MESSAGES, type DownKind, type UpKind } from './topics.js';

const upKinds = Object.keys(UP_MESSAGES) as UpKind[];
const downKinds = Object.keys(DOWN_MESSAGES) as DownKind[];
const alarm = UP_EXAMPLES.alarm;
const catalog = UP_EXAMPLES.catalog;

/** The reason a payload was refused; fails the test if it was accepted. */
function refusal<T>(decoded: Decoded<T>): string {
  if (decoded.ok) {
    expect.fail(`expected a refusal, got ${JSON.stringify(decoded.value)}`);
  }
  return decoded.reason;
}

describe('decodeUp / decodeDown accept', () => {
  it.each(upKinds)('the up/%s example, as bytes and as text', (kind) => {
    expect(decodeUp(kind, encode(UP_EXAMPLES[kind]))).toEqual({ ok: true, value: UP_EXAMPLES[kind] });
    expect(decodeUp(kind, JSON.stringify(UP_EXAMPLES[kind]))).toEqual({ ok: true, value: UP_EXAMPLES[kind] });
  });

  it.each(downKinds)('the down/%s example', (kind) => {
    expect(decodeDown(kind, encode(DOWN_EXAMPLES[kind]))).toEqual({ ok: true, value: DOWN_EXAMPLES[kind] });
  });

  it('fills in defaults a sender may leave out', () => {
    const { linkedCameras: _omitted, ...bare } = alarm;
    const decoded = decodeUp('alarm', JSON.stringify(bare));
    expect(decoded).toEqual({ ok: true, value: { ...alarm, linkedCameras: [] } });
    expect(decodeDown('ack', '{"ids":[]}')).toEqual({ ok: true, value: { ids: [], refused: [] } });
  });

  it('a valid delta catalog with baseRevision and removals', () => {
    const delta = {
      ...catalog,
      mode: 'delta',
      revision: 43,
      baseRevision: 42,
      nodes: [],
      devices: [],
      alarmInputs: [],
      cameras: [],
      removed: { cameras: ['fz-wuyi.cam05'] },
    };
    const decoded = decodeUp('catalog', JSON.stringify(delta));
    expect(decoded.ok).toBe(true);
  });

  it('a catalog larger than the small-message limit', () => {
    const cameras = Array.from({ length: 400 }, (_, i) => ({
      ...catalog.cameras[0]!,
      id: `fz-wuyi.cam${String(i).padStart(3, '0')}`,
      name: `营业大厅摄像机 ${i}`,
    }));
    const payload = encode({ ...catalog, cameras });
    expect(payload.byteLength).toBeGreaterThan(MAX_SMALL_PAYLOAD_BYTES);
    expect(payload.byteLength).toBeLessThan(MAX_PAYLOAD_BYTES);
    const decoded = decodeUp('catalog', payload);
    expect(decoded.ok && decoded.value.cameras).toHaveLength(400);
  });
});

describe('decodeUp / decodeDown refuse, saying why', () => {
  it('text that is not JSON', () => {
    expect(refusal(decodeUp('alarm', 'ALARM 1287 VAULT'))).toMatch(/^not JSON: /);
    expect(refusal(decodeUp('alarm', ''))).toMatch(/^not JSON: /);
    expect(refusal(decodeUp('alarm', '{"id": "01KAEN3Z9A547VEPE5161SD2FM",'))).toMatch(/^not JSON: /);
  });

  it('bytes that are not valid UTF-8, instead of replacing them', () => {
    const json = encode(alarm);
    // A GBK-encoded "金库" (0xBD 0xF0 0xBF 0xE2) in the middle of the text field: valid JSON shape, invalid UTF-8.
    const text = new TextEncoder().encode('"text":"');
    const at = indexOf(json, text) + text.byteLength;
    const gbk = new Uint8Array([...json.slice(0, at), 0xbd, 0xf0, 0xbf, 0xe2, ...json.slice(at)]);
    expect(refusal(decodeUp('alarm', gbk))).toMatch(/^not JSON: .*utf-8/i);
    expect(refusal(decodeDown('ack', new Uint8Array([0xff, 0xfe, 0x7b, 0x7d])))).toMatch(/utf-8/i);
  });

  it('a small kind over 64 KiB, before parsing it', () => {
    const big = JSON.stringify({ ...alarm, text: 'x' }) + ' '.repeat(MAX_SMALL_PAYLOAD_BYTES);
    expect(refusal(decodeUp('alarm', big))).toBe(
      `payload of ${Buffer.byteLength(big)} bytes exceeds the ${MAX_SMALL_PAYLOAD_BYTES}-byte limit for "alarm"`,
    );
    expect(refusal(decodeDown('command', big))).toMatch(/exceeds the 65536-byte limit for "command"/);
    expect(refusal(decodeUp('status', ' '.repeat(MAX_SMALL_PAYLOAD_BYTES + 1)))).toMatch(/65536-byte limit/);
  });

  it('exactly the small limit is still parsed', () => {
    const text = JSON.stringify(alarm);
    const padded = text + ' '.repeat(MAX_SMALL_PAYLOAD_BYTES - Buffer.byteLength(text));
    expect(decodeUp('alarm', padded).ok).toBe(true);
  });

  it('counts bytes, not characters', () => {
    // 22,000 Chinese characters are 66,000 UTF-8 bytes: over the limit although the string is shorter than it.
    const text = '报'.repeat(22_000);
    expect(text.length).toBeLessThan(MAX_SMALL_PAYLOAD_BYTES);
    expect(refusal(decodeUp('alarm', JSON.stringify({ ...alarm, text })))).toMatch(/exceeds the 65536-byte limit/);
  });

  it('a catalog over 4 MiB', () => {
    const huge = JSON.stringify(catalog) + ' '.repeat(MAX_PAYLOAD_BYTES);
    expect(refusal(decodeUp('catalog', huge))).toMatch(/exceeds the 4194304-byte limit for "catalog"/);
  });

  it('a payload of the wrong shape, naming the field', () => {
    expect(
      refusal(decodeUp('alarm', JSON.stringify({ ...alarm, linkedCameras: ['fz-wuyi.cam03', 'Vault Cam'] }))),
    ).toBe('invalid alarm: linkedCameras.1: entity id: 1–96 of a-z, 0-9, ".", "_", "-"');
    const badStream = structuredClone(catalog);
    badStream.cameras[2]!.streams[1]!.width = -352;
    expect(refusal(decodeUp('catalog', JSON.stringify(badStream)))).toMatch(
      /^invalid catalog: cameras\.2\.streams\.1\.width: Too small/,
    );
    expect(refusal(decodeUp('alarm', JSON.stringify({ ...alarm, priority: 9 })))).toMatch(
      /^invalid alarm: priority: Too big/,
    );
    expect(refusal(decodeUp('alarm', JSON.stringify({ ...alarm, occurredAt: '2025-11-20 02:13:07' })))).toMatch(
      /^invalid alarm: occurredAt: /,
    );
    expect(refusal(decodeUp('alarm', '[]'))).toBe(
      'invalid alarm: (root): Invalid input: expected object, received array',
    );
  });

  it('lists several problems at once', () => {
    const reason = refusal(decodeUp('alarm', JSON.stringify({ ...alarm, seq: 0, type: 'earthquake' })));
    expect(reason).toMatch(/seq: /);
    expect(reason).toMatch(/type: /);
  });

  it('a missing required field', () => {
    const { origin: _origin, ...rest } = alarm;
    expect(refusal(decodeUp('alarm', JSON.stringify(rest)))).toMatch(/^invalid alarm: origin: /);
  });

  it('unknown keys, at the top and nested', () => {
    expect(refusal(decodeUp('alarm', JSON.stringify({ ...alarm, vendorExtra: 1 })))).toBe(
      'invalid alarm: (root): Unrecognized key: "vendorExtra"',
    );
    const nested = structuredClone(UP_EXAMPLES.status) as Record<string, unknown>;
    nested.software = { name: 'bsm-agent', version: '0.1.0', build: 'abc' };
    expect(refusal(decodeUp('status', JSON.stringify(nested)))).toBe(
      'invalid status: software: Unrecognized key: "build"',
    );
    expect(refusal(decodeDown('command', JSON.stringify({ ...DOWN_EXAMPLES.command, replyTo: 'x' })))).toMatch(
      /Unrecognized key: "replyTo"/,
    );
  });

  it('a delta catalog without baseRevision', () => {
    const delta = { ...catalog, mode: 'delta', revision: 43 };
    expect(refusal(decodeUp('catalog', JSON.stringify(delta)))).toBe(
      'invalid catalog: baseRevision: a delta catalog needs baseRevision',
    );
  });

  it('a full catalog with removals', () => {
    const full = { ...catalog, removed: { cameras: ['fz-wuyi.cam05'] } };
    expect(refusal(decodeUp('catalog', JSON.stringify(full)))).toBe(
      'invalid catalog: removed: only a delta catalog may list removals',
    );
  });

  it('an alarm whose path is empty', () => {
    expect(refusal(decodeUp('alarm', JSON.stringify({ ...alarm, path: [] })))).toMatch(
      /^invalid alarm: path: Too small/,
    );
  });

  it('an alarm id that is not a ULID', () => {
    expect(refusal(decodeUp('alarm', JSON.stringify({ ...alarm, id: 'alarm-1287' })))).toMatch(/^invalid alarm: id: /);
  });

  it('a command that is not one of the known names', () => {
    expect(refusal(decodeDown('command', JSON.stringify({ ...DOWN_EXAMPLES.command, name: 'format.disk' })))).toMatch(
      /^invalid command: name: /,
    );
  });
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) {
        continue outer;
      }
    }
    return i;
  }
  throw new Error('needle not found');
}

describe('nulPath', () => {
  it('finds a NUL character in any string or key, by its path', () => {
    expect(nulPath({ a: 'ok', b: [1, { c: 'x\u0000y' }] })).toBe('b.1.c');
    expect(nulPath({ ['k\u0000']: 1 })).toBe('k\u0000');
    expect(nulPath('plain')).toBeNull();
    expect(nulPath({ a: ['ok', 2, null, true] })).toBeNull();
  });

  it('refuses a message with one, saying where, instead of letting it reach the database', () => {
    const withNul = { ...alarm, text: 'bad\u0000text' };
    const decoded = decodeUp('alarm', JSON.stringify(withNul));
    expect(decoded).toEqual({ ok: false, reason: 'invalid alarm: text: a NUL character is not allowed in text' });
  });
});
