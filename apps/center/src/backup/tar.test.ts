import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { BLOCK, entryStream, parseTarHeader, readTarIndex, sha256Of, tarHeader, TarWriter } from './tar.js';

const dir = mkdtempSync(join(tmpdir(), 'bsm-tar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MTIME = new Date('2026-12-01T10:00:00.000Z');

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) {
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

describe('tar headers', () => {
  it('are ustar with a valid checksum, read back as written', () => {
    const h = tarHeader('tables/audit_events.copy.gz', 1234, MTIME);
    expect(h.length).toBe(BLOCK);
    expect(h.toString('ascii', 257, 263)).toBe('ustar\0');
    expect(h.toString('ascii', 124, 136)).toBe('00000002322\0');
    expect(parseTarHeader(h)).toEqual({ name: 'tables/audit_events.copy.gz', size: 1234, type: '0' });
  });

  it('write sizes beyond 8 GiB in base-256', () => {
    const size = 10 * 1024 ** 3;
    const h = tarHeader('big', size, MTIME);
    expect(h[124]).toBe(0x80);
    expect(parseTarHeader(h)?.size).toBe(size);
  });

  it('refuse a damaged header and a name too long', () => {
    const h = tarHeader('manifest.json', 10, MTIME);
    h[0] = 'n'.charCodeAt(0);
    expect(() => parseTarHeader(h)).toThrow(/checksum mismatch/);
    expect(parseTarHeader(Buffer.alloc(BLOCK))).toBeNull();
    expect(() => tarHeader('x'.repeat(101), 1, MTIME)).toThrow(/1–100 bytes/);
  });
});

describe('TarWriter', () => {
  it('streams entries into place; GNU tar reads the result, and so does readTarIndex', async () => {
    const file = join(dir, 'a.tar');
    const fh = await open(file, 'wx');
    const tar = new TarWriter(fh, MTIME);
    const big = 'row\twith\ttabs\n'.repeat(10_000);
    const one = await tar.addStream('tables/t.copy.gz', Readable.from([big]), [createGzip()]);
    const empty = await tar.addBuffer('tables/empty', Buffer.alloc(0));
    const manifest = await tar.addBuffer('manifest.json', Buffer.from('{"ok":true}\n'));
    const size = await tar.finish();
    await fh.close();

    expect(size % BLOCK).toBe(0);
    expect(readFileSync(file).length).toBe(size);
    expect(empty).toMatchObject({ entry: 'tables/empty', bytes: 0 });
    expect(execFileSync('tar', ['-tf', file], { encoding: 'utf8' })).toBe(
      'tables/t.copy.gz\ntables/empty\nmanifest.json\n',
    );
    expect(execFileSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8' })).toBe('{"ok":true}\n');

    const rh = await open(file, 'r');
    const entries = await readTarIndex(rh);
    await rh.close();
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ['tables/t.copy.gz', one.bytes],
      ['tables/empty', 0],
      ['manifest.json', 12],
    ]);
    expect(await sha256Of(entryStream(file, entries[0]!))).toBe(one.sha256);
    expect(await text(entryStream(file, entries[2]!))).toBe('{"ok":true}\n');
    expect(manifest.sha256).toBe(await sha256Of(Readable.from([Buffer.from('{"ok":true}\n')])));
    const unzipped = execFileSync('sh', ['-c', `tar -xOf "${file}" tables/t.copy.gz | gunzip`], {
      encoding: 'utf8',
      maxBuffer: 10 * 1024 * 1024,
    });
    expect(unzipped).toBe(big);
  });

  it('leaves a file readTarIndex refuses when cut short', async () => {
    const file = join(dir, 'b.tar');
    const fh = await open(file, 'wx');
    const tar = new TarWriter(fh, MTIME);
    await tar.addBuffer('x', Buffer.alloc(5000, 1));
    await tar.finish();
    await fh.close();
    writeFileSync(file, readFileSync(file).subarray(0, 2048));
    const rh = await open(file, 'r');
    await expect(readTarIndex(rh)).rejects.toThrow(/truncated: entry x runs past the end/);
    await rh.close();
  });
});
