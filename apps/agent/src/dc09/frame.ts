import { crcHex } from './crc.js';

/**
 * The outer framing of a DC-09 message over TCP:
 *
 *     <LF> <crc: 4 hex> <length: "0" + 3 hex> <body> <CR>
 *
 * where the CRC and the length both cover the body, from its first `"` to the character before `<CR>`.
 */
export const LF = '\n';
export const CR = '\r';

/** The length field has three hex digits after its leading "0", so a body is at most 0xFFF characters. */
export const MAX_BODY_LENGTH = 0xfff;
/** LF + CRC + length + the longest body + CR. */
export const MAX_FRAME_LENGTH = 1 + 4 + 4 + MAX_BODY_LENGTH + 1;

export type FrameCheck =
  | { ok: true; body: string }
  /** `format`: not LF…CR with a hex header; `crc`/`length`: the header does not match the body. */
  | { ok: false; reason: 'format' | 'crc' | 'length'; detail: string };

/** Checks a whole frame (LF to CR included) and returns its body. Nothing here throws: frames come from the network. */
export function checkFrame(frame: string): FrameCheck {
  if (!frame.startsWith(LF) || !frame.endsWith(CR) || frame.length < 11) {
    return { ok: false, reason: 'format', detail: 'not <LF>…<CR> with a 8-character header' };
  }
  const crc = frame.slice(1, 5);
  const length = frame.slice(5, 9);
  if (!/^[0-9A-Fa-f]{4}$/.test(crc) || !/^[0-9A-Fa-f]{4}$/.test(length)) {
    return { ok: false, reason: 'format', detail: 'CRC and length must be 4 hex digits each' };
  }
  const body = frame.slice(9, -1);
  const declared = Number.parseInt(length, 16);
  if (declared !== body.length) {
    return { ok: false, reason: 'length', detail: `length field says ${declared}, body has ${body.length}` };
  }
  const actual = crcHex(body);
  if (crc.toUpperCase() !== actual) {
    return { ok: false, reason: 'crc', detail: `CRC field ${crc}, computed ${actual}` };
  }
  return { ok: true, body };
}

/** Frames a body: `<LF><crc><0LLL><body><CR>`. */
export function frameBody(body: string): string {
  if (body.length > MAX_BODY_LENGTH) {
    throw new RangeError(`a DC-09 body is at most ${MAX_BODY_LENGTH} characters, got ${body.length}`);
  }
  return `${LF}${crcHex(body)}${body.length.toString(16).toUpperCase().padStart(4, '0')}${body}${CR}`;
}
