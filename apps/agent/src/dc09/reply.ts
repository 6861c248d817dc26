import { encryptPayload } from './crypto.js';
import { frameBody } from './frame.js';
import { formatHeader, type Dc09Header } from './header.js';
import { formatPayload } from './payload.js';

/** The header fields a reply echoes from the message it answers. */
export type ReplyTo = Pick<Dc09Header, 'seq' | 'receiver' | 'prefix' | 'account'>;

/**
 * `ACK`: the message is taken. Same sequence, receiver, prefix and account as the message, with the receiver's
 * timestamp. An encrypted message gets an encrypted ACK (`*ACK`, pad + `]` + timestamp encrypted with the
 * account's key), so only the holder of the key can forge one.
 */
export function ackFrame(to: ReplyTo, now: Date, key?: Buffer, pad?: (length: number) => string): string {
  const payload = formatPayload('', now);
  const rest = key === undefined ? payload : encryptPayload(payload, key, pad);
  return frameBody(formatHeader({ ...to, token: 'ACK', encrypted: key !== undefined, rest }));
}

/**
 * `NAK`: the message's timestamp is outside the window. It carries the receiver's time so the panel can correct
 * its clock and send again; DC-09 has it unencrypted with zeroed fields (`"NAK"0000R0L0A0[]_…`), since a NAK
 * must be readable by a panel whose clock (and so whose encrypted messages) the receiver does not trust.
 */
export function nakFrame(now: Date): string {
  return frameBody(`"NAK"0000R0L0A0[${formatPayload('', now)}`);
}

/** `DUH`: a well-formed message the receiver does not understand (token, account, key or event code). */
export function duhFrame(to: ReplyTo): string {
  return frameBody(formatHeader({ ...to, token: 'DUH', encrypted: false, rest: ']' }));
}
