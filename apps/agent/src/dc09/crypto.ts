import { createCipheriv, createDecipheriv, randomInt } from 'node:crypto';

/**
 * DC-09 encryption: AES-128/192/256 in CBC mode with an all-zero IV and no padding scheme. Everything after the
 * header's `[` (data, extended data, timestamp) is encrypted, preceded by pseudo-random pad characters that make
 * its length a multiple of the 16-byte block; the ciphertext travels as upper-case hex. The pad never contains
 * `|`, `[` or `]`, so a receiver finds the start of the data at the first `|` (data with an event) or `]` (a
 * NULL, whose data is empty). Because the IV is fixed, the random pad is what makes two equal messages encrypt
 * differently, and the timestamp inside is what stops a replay.
 */
export const BLOCK = 16;

export type KeyEncoding = 'hex' | 'text';

/** AES key lengths DC-09 allows, in bytes. */
export const KEY_BYTES = [16, 24, 32] as const;

/**
 * The key bytes from their configured spelling: `hex` (32, 48 or 64 hex digits, as the standard states keys), or
 * `text` (16, 24 or 32 characters used byte for byte, as several panels and receivers take the key they are
 * given). Throws with a message fit for a config error.
 */
export function parseKey(spelled: string, encoding: KeyEncoding): Buffer {
  const key = spelled.trim();
  if (encoding === 'hex') {
    if (!/^[0-9A-Fa-f]+$/.test(key) || ![32, 48, 64].includes(key.length)) {
      throw new Error('a hex key has 32, 48 or 64 hex digits (AES-128, -192, -256)');
    }
    return Buffer.from(key, 'hex');
  }
  if (!/^[\x20-\x7e]+$/.test(key) || ![16, 24, 32].includes(key.length)) {
    throw new Error('a text key has 16, 24 or 32 printable ASCII characters (AES-128, -192, -256)');
  }
  return Buffer.from(key, 'latin1');
}

const algorithm = (key: Buffer): string => {
  if (!(KEY_BYTES as readonly number[]).includes(key.length)) {
    throw new RangeError(`AES key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
  return `aes-${key.length * 8}-cbc`;
};

const ZERO_IV = Buffer.alloc(BLOCK);

/** Pad characters: printable ASCII without `|`, `[`, `]`. */
const PAD_CHARS = Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i))
  .filter((c) => c !== '|' && c !== '[' && c !== ']')
  .join('');

const randomPad = (length: number): string =>
  Array.from({ length }, () => PAD_CHARS.charAt(randomInt(PAD_CHARS.length))).join('');

/**
 * Encrypts the text that follows `[` (for example `]_12:00:00,01-31-2025` of an ACK) and returns the hex to put
 * after `[`. The pad is 1–16 characters, as the reference implementations send it.
 */
export function encryptPayload(plain: string, key: Buffer, pad: (length: number) => string = randomPad): string {
  const padded = `${pad(BLOCK - (plain.length % BLOCK))}${plain}`;
  const cipher = createCipheriv(algorithm(key), key, ZERO_IV);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.from(padded, 'latin1')), cipher.final()])
    .toString('hex')
    .toUpperCase();
}

export type Decrypted = { ok: true; plain: string } | { ok: false; reason: string };

/**
 * Decrypts the hex after `[` and drops the pad. A wrong key gives noise, which is caught here (no `|`/`]`, or
 * bytes that are not printable ASCII) or, at the latest, when the data fails to parse.
 */
export function decryptPayload(hex: string, key: Buffer): Decrypted {
  if (hex.length === 0 || hex.length % (BLOCK * 2) !== 0 || !/^[0-9A-Fa-f]+$/.test(hex)) {
    return { ok: false, reason: 'ciphertext is not whole 16-byte blocks of hex' };
  }
  const decipher = createDecipheriv(algorithm(key), key, ZERO_IV);
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(hex, 'hex')), decipher.final()]).toString('latin1');
  if (!/^[\x20-\x7e]*$/.test(plain)) {
    return { ok: false, reason: 'decrypted text is not printable ASCII (wrong key?)' };
  }
  const start = plain.search(/[|\]]/);
  if (start < 0) {
    return { ok: false, reason: 'decrypted text has no data (wrong key?)' };
  }
  return { ok: true, plain: plain.slice(start) };
}
