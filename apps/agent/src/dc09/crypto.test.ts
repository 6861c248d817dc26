import { describe, expect, it } from 'vitest';
import { crcHex } from './crc.js';
import { decryptPayload, encryptPayload, parseKey } from './crypto.js';

describe('DC-09 AES', () => {
  /**
   * A known-good encrypted frame, from eavanvalkenburg/pysiaalarm tests/test_sia_package.py (an encrypted NULL
   * from account AAAB). Its key there is the text "AAAAAAAAAAAAAAAA" used byte for byte (AES-128); it decrypts to
   * 11 pad characters, the empty data's `]` and the timestamp. This code did not produce it.
   */
  const KNOWN_BODY = '"*NULL"0000R0L0#AAAB[B4BC8B40D0E6D959D6BEA78E88CC0B2155741A3C44FBB96D476A3E557CAD64D9';

  it('decrypts the published encrypted NULL with its key', () => {
    expect(crcHex(KNOWN_BODY)).toBe('76D8');
    expect(KNOWN_BODY.length).toBe(0x55);
    const hex = KNOWN_BODY.slice(KNOWN_BODY.indexOf('[') + 1);
    const decrypted = decryptPayload(hex, parseKey('AAAAAAAAAAAAAAAA', 'text'));
    expect(decrypted).toEqual({ ok: true, plain: ']_18:24:52,07-05-2020' });
  });

  it.each([
    ['AES-128', '000102030405060708090A0B0C0D0E0F'],
    ['AES-192', '000102030405060708090A0B0C0D0E0F1011121314151617'],
    ['AES-256', '000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F'],
  ])('round-trips with %s, padding at the start to whole blocks', (_name, hexKey) => {
    const key = parseKey(hexKey, 'hex');
    for (const plain of ['|Nri1/BA01]_12:00:00,01-31-2025', ']_12:00:00,01-31-2025', `|${'x'.repeat(31)}]`]) {
      const hex = encryptPayload(plain, key);
      expect(hex).toMatch(/^[0-9A-F]+$/);
      expect(hex.length % 32).toBe(0);
      expect(decryptPayload(hex, key)).toEqual({ ok: true, plain });
    }
  });

  it('pads with 1 to 16 characters that are never | [ ]', () => {
    const key = parseKey('00'.repeat(16), 'hex');
    const lengths = new Set<number>();
    for (let n = 0; n < 40; n++) {
      const plain = `]${'y'.repeat(n)}`;
      const hex = encryptPayload(plain, key);
      lengths.add(hex.length / 2 - plain.length);
    }
    expect(Math.min(...lengths)).toBe(1);
    expect(Math.max(...lengths)).toBe(16);
    // Deterministic pad, to look at it.
    const hex = encryptPayload(']', key, (n) => 'p'.repeat(n));
    expect(hex.length).toBe(32);
  });

  it('makes two encryptions of one text differ (the random pad stands in for an IV)', () => {
    const key = parseKey('11'.repeat(32), 'hex');
    expect(encryptPayload(']_12:00:00,01-31-2025', key)).not.toBe(encryptPayload(']_12:00:00,01-31-2025', key));
  });

  it('notices a wrong key or broken ciphertext instead of returning noise', () => {
    const key = parseKey('22'.repeat(16), 'hex');
    const other = parseKey('23'.repeat(16), 'hex');
    const hex = encryptPayload('|Nri1/BA01]_12:00:00,01-31-2025', key);
    expect(decryptPayload(hex, other).ok).toBe(false);
    expect(decryptPayload(hex.slice(2), key)).toMatchObject({ ok: false });
    expect(decryptPayload('', key)).toMatchObject({ ok: false });
    expect(decryptPayload('ZZ'.repeat(16), key)).toMatchObject({ ok: false });
  });

  it('reads keys in hex or as text, and says what a bad one should look like', () => {
    expect(parseKey(' 000102030405060708090a0b0c0d0e0f\n', 'hex')).toHaveLength(16);
    expect(parseKey('A'.repeat(24), 'text')).toHaveLength(24);
    expect(() => parseKey('0011', 'hex')).toThrow(/32, 48 or 64 hex digits/);
    expect(() => parseKey('G'.repeat(32), 'hex')).toThrow(/hex digits/);
    expect(() => parseKey('short', 'text')).toThrow(/16, 24 or 32 printable/);
  });
});
