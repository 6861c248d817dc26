import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * The backup container: a plain POSIX (ustar) tar, so `tar tvf` lists a
 * backup and `tar xf` unpacks it without this code. Only what backups need:
 * regular files, names under 100 bytes, sizes in octal (or GNU base-256
 * beyond 8 GiB, which GNU tar and bsdtar read).
 */

export const BLOCK = 512;
const OCTAL_SIZE_LIMIT = 8 ** 11; // 11 octal digits

export interface TarEntry {
  name: string;
  /** Offset of the entry's data in the file. */
  offset: number;
  size: number;
}

const padTo = (n: number): number => (BLOCK - (n % BLOCK)) % BLOCK;

function writeOctal(block: Buffer, value: number, offset: number, length: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'ascii');
}

function writeSize(block: Buffer, size: number): void {
  if (size < OCTAL_SIZE_LIMIT) {
    writeOctal(block, size, 124, 12);
    return;
  }
  // GNU base-256: the first byte's high bit set, then the value big-endian.
  block[124] = 0x80;
  let rest = BigInt(size);
  for (let i = 135; i > 124; i--) {
    block[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}

function readSize(block: Buffer): number {
  if ((block[124] ?? 0) & 0x80) {
    let value = 0n;
    for (let i = 125; i < 136; i++) {
      value = (value << 8n) | BigInt(block[i] ?? 0);
    }
    return Number(value);
  }
  return readOctal(block, 124, 12);
}

function readOctal(block: Buffer, offset: number, length: number): number {
  const text = block
    .subarray(offset, offset + length)
    .toString('ascii')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (!/^[0-7]*$/.test(text)) {
    throw new Error(`bad octal field "${text}"`);
  }
  return text === '' ? 0 : parseInt(text, 8);
}

function checksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) {
    sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  }
  return sum;
}

/** The 512-byte ustar header of a regular file (mode 0600, owner 0). */
export function tarHeader(name: string, size: number, mtime: Date): Buffer {
  const nameBytes = Buffer.byteLength(name, 'utf8');
  if (nameBytes === 0 || nameBytes > 100) {
    throw new Error(`tar entry name must be 1–100 bytes: "${name}"`);
  }
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  writeOctal(block, 0o600, 100, 8);
  writeOctal(block, 0, 108, 8);
  writeOctal(block, 0, 116, 8);
  writeSize(block, size);
  writeOctal(block, Math.floor(mtime.getTime() / 1000), 136, 12);
  block.write('0', 156, 1, 'ascii'); // regular file
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  block.write(`${checksum(block).toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

/** A header's entry, or null for the zero block that ends the archive. Throws on a damaged header. */
export function parseTarHeader(block: Buffer): { name: string; size: number; type: string } | null {
  if (block.length !== BLOCK) {
    throw new Error('truncated tar header');
  }
  if (block.every((b) => b === 0)) {
    return null;
  }
  const stored = readOctal(block, 148, 8);
  if (stored !== checksum(block)) {
    throw new Error('tar header checksum mismatch');
  }
  if (block.toString('ascii', 257, 262) !== 'ustar') {
    throw new Error('not a ustar header');
  }
  const end = block.indexOf(0, 0);
  const name = block.toString('utf8', 0, end < 0 || end > 100 ? 100 : end);
  const prefixEnd = block.indexOf(0, 345);
  const prefix = block.toString('utf8', 345, prefixEnd < 0 || prefixEnd > 500 ? 500 : prefixEnd);
  return {
    name: prefix ? `${prefix}/${name}` : name,
    size: readSize(block),
    type: block.toString('ascii', 156, 157) || '0',
  };
}

export interface WrittenEntry {
  entry: string;
  bytes: number;
  sha256: string;
}

/**
 * Writes a tar into an open file. Each entry is streamed straight into
 * place: a placeholder header first, the data, then the real header
 * (size, checksum) written over the placeholder. Nothing is buffered in
 * memory beyond a chunk, whatever the size of a table.
 */
export class TarWriter {
  private position = 0;

  constructor(
    private readonly file: FileHandle,
    private readonly mtime: Date,
  ) {}

  /** An entry holding what `source` gives, after passing through `transforms` (gzip). */
  async addStream(
    name: string,
    source: Readable,
    transforms: NodeJS.ReadWriteStream[] = [],
    signal?: AbortSignal,
  ): Promise<WrittenEntry> {
    const headerAt = this.position;
    await this.write(tarHeader(name, 0, this.mtime), headerAt);
    let position = headerAt + BLOCK;
    const hash = createHash('sha256');
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        hash.update(chunk);
        this.file.write(chunk, 0, chunk.length, position).then(
          ({ bytesWritten }) => {
            position += bytesWritten;
            done(bytesWritten === chunk.length ? null : new Error('short write'));
          },
          (error: Error) => done(error),
        );
      },
    });
    await pipeline([source, ...transforms, sink], signal ? { signal } : {});
    const bytes = position - headerAt - BLOCK;
    await this.write(Buffer.alloc(padTo(bytes)), position);
    await this.write(tarHeader(name, bytes, this.mtime), headerAt);
    this.position = position + padTo(bytes);
    return { entry: name, bytes, sha256: hash.digest('hex') };
  }

  addBuffer(name: string, data: Buffer): Promise<WrittenEntry> {
    return this.addStream(name, Readable.from([data]));
  }

  /** The two zero blocks that end an archive; the caller syncs and closes the file. */
  async finish(): Promise<number> {
    await this.write(Buffer.alloc(2 * BLOCK), this.position);
    this.position += 2 * BLOCK;
    return this.position;
  }

  private async write(data: Buffer, at: number): Promise<void> {
    if (data.length === 0) {
      return;
    }
    const { bytesWritten } = await this.file.write(data, 0, data.length, at);
    if (bytesWritten !== data.length) {
      throw new Error('short write');
    }
  }
}

/** The entries of a tar file; throws when the file is not a whole tar (damaged, truncated). */
export async function readTarIndex(file: FileHandle): Promise<TarEntry[]> {
  const { size: fileSize } = await file.stat();
  const entries: TarEntry[] = [];
  let offset = 0;
  for (;;) {
    if (offset + BLOCK > fileSize) {
      throw new Error('truncated: the archive has no end marker');
    }
    const block = Buffer.alloc(BLOCK);
    await file.read(block, 0, BLOCK, offset);
    const header = parseTarHeader(block);
    if (header === null) {
      return entries;
    }
    const dataAt = offset + BLOCK;
    if (dataAt + header.size > fileSize) {
      throw new Error(`truncated: entry ${header.name} runs past the end of the file`);
    }
    if (header.type === '0') {
      entries.push({ name: header.name, offset: dataAt, size: header.size });
    }
    offset = dataAt + header.size + padTo(header.size);
  }
}

/** The bytes of one entry, streamed from the file. */
export function entryStream(path: string, entry: TarEntry): Readable {
  return entry.size === 0
    ? Readable.from([])
    : createReadStream(path, { start: entry.offset, end: entry.offset + entry.size - 1 });
}

/** SHA-256 of a readable stream's bytes. */
export async function sha256Of(stream: Readable, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(
    stream,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done();
      },
    }),
    signal ? { signal } : {},
  );
  return hash.digest('hex');
}
