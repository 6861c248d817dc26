import { z } from 'zod';
import { DOWN_MESSAGES, UP_MESSAGES, type DownKind, type DownMessage, type UpKind, type UpMessage } from './topics.js';

/** Largest MQTT payload we accept. A full catalog of a big city center is the largest message. */
export const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;
/** Alarms, acks, statuses and replies are small; anything bigger is refused before parsing. */
export const MAX_SMALL_PAYLOAD_BYTES = 64 * 1024;
/**
 * Largest MQTT packet a broker of ours reads at all; a client sending a bigger one is disconnected. Well
 * above MAX_PAYLOAD_BYTES on purpose: a payload a little over its limit is still read, refused with a
 * reason and acknowledged, so a node's QoS 1 queue behind it moves on; only a packet no node of ours
 * would ever send ends the connection, before the broker holds it in memory.
 */
export const MAX_MQTT_PACKET_BYTES = 16 * 1024 * 1024;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

const sizeLimit = (kind: string): number => (kind === 'catalog' ? MAX_PAYLOAD_BYTES : MAX_SMALL_PAYLOAD_BYTES);

/** Readable one-line summary of a zod error: `path: message; path: message`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 8)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * Where a parsed JSON value holds a NUL character (`\u0000`), in a key or a
 * string, as a path, or null. PostgreSQL stores no NUL in text: such a value
 * would fail where it is written (a whole batch of alarms with it), so it is
 * refused at the door with a reason.
 */
export function nulPath(value: unknown, path = '(root)', depth = 0): string | null {
  if (typeof value === 'string') {
    return value.includes('\u0000') ? path : null;
  }
  if (depth > 64 || value === null || typeof value !== 'object') {
    return null;
  }
  for (const [key, inner] of Object.entries(value)) {
    const at = path === '(root)' ? key : `${path}.${key}`;
    if (key.includes('\u0000')) {
      return at;
    }
    const found = nulPath(inner, at, depth + 1);
    if (found !== null) {
      return found;
    }
  }
  return null;
}

function decodeWith<T>(schema: z.ZodType<T>, kind: string, payload: Uint8Array | string): Decoded<T> {
  const bytes = typeof payload === 'string' ? utf8.encode(payload) : payload;
  const size = bytes.byteLength;
  if (size > sizeLimit(kind)) {
    return { ok: false, reason: `payload of ${size} bytes exceeds the ${sizeLimit(kind)}-byte limit for "${kind}"` };
  }
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : fromUtf8.decode(bytes));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const nul = nulPath(json);
  if (nul !== null) {
    return { ok: false, reason: `invalid ${kind}: ${nul}: a NUL character is not allowed in text` };
  }
  const parsed = schema.safeParse(json);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, reason: `invalid ${kind}: ${describeZodError(parsed.error)}` };
}

export const decodeUp = <K extends UpKind>(kind: K, payload: Uint8Array | string): Decoded<UpMessage<K>> =>
  decodeWith(UP_MESSAGES[kind] as unknown as z.ZodType<UpMessage<K>>, kind, payload);

export const decodeDown = <K extends DownKind>(kind: K, payload: Uint8Array | string): Decoded<DownMessage<K>> =>
  decodeWith(DOWN_MESSAGES[kind] as unknown as z.ZodType<DownMessage<K>>, kind, payload);

export const encode = (message: unknown): Uint8Array => utf8.encode(JSON.stringify(message));
