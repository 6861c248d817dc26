import { createCipheriv, createDecipheriv } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A DC-09 transmitter ("premises equipment") for tests, written from the protocol description and sharing no
 * code with the receiver: its own bit-by-bit CRC, its own framing, its own encryption. A test that passes with
 * it checks the receiver against the standard, not against itself.
 */

/** CRC-16/ARC bit by bit: reflected polynomial 0xA001, start 0. */
export function referenceCrc(text: string): string {
  let crc = 0;
  for (const byte of Buffer.from(text, 'latin1')) {
    let b = byte;
    for (let i = 0; i < 8; i++) {
      const mix = (crc ^ b) & 1;
      crc >>>= 1;
      if (mix) {
        crc ^= 0xa001;
      }
      b >>>= 1;
    }
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

const pad2 = (n: number) => String(n).padStart(2, '0');
/** `_HH:MM:SS,MM-DD-YYYY`, UTC. */
export const stamp = (d: Date): string =>
  `_${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())},${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}-${d.getUTCFullYear()}`;

export interface MessageSpec {
  /** `SIA-DCS`, `ADM-CID`, `NULL`, or anything else to test how an unknown token is answered. */
  token: string;
  seq: number;
  account: string;
  /** e.g. `R1`; omitted when undefined. */
  receiver?: string;
  /** e.g. `L1`. */
  prefix?: string;
  /** The data between `[` and `]`, e.g. `#1234|Nri1/BA01` or `#1234|1130 01 003`; empty for NULL. */
  data: string;
  /** Time to stamp the message with; null for none. Default: now. */
  at?: Date | null;
  /** AES key: the message is sent as `*<token>` with the data and timestamp encrypted. */
  key?: Buffer;
}

/** The body (from `"` up to the CR) of a message. */
export function messageBody(spec: MessageSpec): string {
  const at = spec.at === undefined ? new Date() : spec.at;
  const tail = `${spec.data}]${at === null ? '' : stamp(at)}`;
  const head = `${spec.seq.toString().padStart(4, '0')}${spec.receiver ?? ''}${spec.prefix ?? 'L0'}#${spec.account}[`;
  if (spec.key === undefined) {
    return `"${spec.token}"${head}${tail}`;
  }
  // Pad at the start up to whole 16-byte blocks with characters other than | [ ].
  const padLength = 16 - (tail.length % 16);
  const plain = `${'Q'.repeat(padLength)}${tail}`;
  const cipher = createCipheriv(`aes-${spec.key.length * 8}-cbc`, spec.key, Buffer.alloc(16));
  cipher.setAutoPadding(false);
  const hex = Buffer.concat([cipher.update(plain, 'latin1'), cipher.final()])
    .toString('hex')
    .toUpperCase();
  return `"*${spec.token}"${head}${hex}`;
}

/** `<LF><crc><0LLL><body><CR>`. */
export function frame(body: string): string {
  return `\n${referenceCrc(body)}${body.length.toString(16).toUpperCase().padStart(4, '0')}${body}\r`;
}

export const message = (spec: MessageSpec): string => frame(messageBody(spec));

export interface Reply {
  token: string;
  encrypted: boolean;
  seq: string;
  receiver: string | undefined;
  prefix: string;
  account: string | undefined;
  /** The reply's timestamp (decrypted when the reply is encrypted). */
  at: Date | undefined;
  raw: string;
}

/** Checks a reply's CRC and length and reads its fields; throws on anything a panel would reject. */
export function readReply(raw: string, key?: Buffer): Reply {
  const match = /^\n([0-9A-F]{4})([0-9A-F]{4})(.*)\r$/s.exec(raw);
  if (!match) {
    throw new Error(`reply not framed: ${JSON.stringify(raw)}`);
  }
  const [, crc, length, body = ''] = match;
  if (referenceCrc(body) !== crc || Number.parseInt(length ?? '', 16) !== body.length) {
    throw new Error(`reply CRC or length wrong: ${JSON.stringify(raw)}`);
  }
  const fields = /^"(\*?)([A-Z]+)"(\d{4})(R[0-9A-F]+)?(L[0-9A-F]+?)(?:#([0-9A-F]+)|A0)?\[(.*)$/.exec(body);
  if (!fields) {
    throw new Error(`reply header unreadable: ${body}`);
  }
  const [, star, token = '', seq = '', receiver, prefix = '', account, rest = ''] = fields;
  let tail = rest;
  if (star === '*') {
    if (key === undefined) {
      throw new Error('encrypted reply and no key');
    }
    const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.alloc(16));
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(Buffer.from(rest, 'hex')), decipher.final()]).toString('latin1');
    tail = plain.slice(plain.search(/[|\]]/));
  }
  const time = /\]_(\d{2}):(\d{2}):(\d{2}),(\d{2})-(\d{2})-(\d{4})$/.exec(tail);
  const at = time
    ? new Date(
        Date.UTC(
          Number(time[6]),
          Number(time[4]) - 1,
          Number(time[5]),
          Number(time[1]),
          Number(time[2]),
          Number(time[3]),
        ),
      )
    : undefined;
  return { token, encrypted: star === '*', seq, receiver, prefix, account, at, raw };
}

/** A TCP connection to the receiver, as a panel would hold it. */
export class TestPanel {
  private buffer = '';
  private readonly replies: string[] = [];
  private waiter: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let end = this.buffer.indexOf('\r'); end >= 0; end = this.buffer.indexOf('\r')) {
        this.replies.push(this.buffer.slice(0, end + 1));
        this.buffer = this.buffer.slice(end + 1);
      }
      this.waiter?.();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<TestPanel> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => {
        socket.off('error', reject);
        resolve(new TestPanel(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Writes raw bytes (a whole frame, part of one, several, or junk). */
  send(raw: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(raw, 'latin1', (error) => (error ? reject(error) : resolve())),
    );
  }

  /** The next reply frame; rejects when none comes in time. */
  async reply(timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0 || this.socket.destroyed) {
        throw new Error(`no reply within ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.replies.shift() as string;
  }

  /** Resolves with every reply that arrived within `ms` (a test of silence expects none). */
  async repliesWithin(ms: number): Promise<string[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.replies.splice(0);
  }

  get closed(): boolean {
    return this.socket.destroyed;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) {
        resolve();
        return;
      }
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 500).unref();
    });
  }
}
