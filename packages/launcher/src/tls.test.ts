import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { demoTlsFiles, ensureDemoTls } from './tls.js';

const dirs: string[] = [];
const servers: Server[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'bsm-tls-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.close();
  }
  for (const d of dirs.splice(0)) {
    rmSync(d, { recursive: true, force: true });
  }
});

/** GET / over HTTPS trusting only `ca`, for `servername`; resolves with the status or rejects with the TLS error. */
function get(port: number, ca: string, servername: string, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', ca, servername, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function serve(dir: string): Promise<number> {
  const files = demoTlsFiles(dir);
  const server = createServer({ cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) }, (_q, r) =>
    r.end('ok'),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('the demo certificate authority', () => {
  it('signs a server certificate that a client trusting only the CA accepts for the loopback names', async () => {
    const dir = tempDir();
    const files = ensureDemoTls(dir);
    const port = await serve(dir);
    const ca = readFileSync(files.caCertFile, 'utf8');
    expect(await get(port, ca, 'localhost')).toBe(200);
    const cert = new X509Certificate(readFileSync(files.certFile));
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIssued(new X509Certificate(ca))).toBe(true);
    // Another name is not covered, and a client without the CA refuses the server.
    await expect(get(port, ca, 'bank.example')).rejects.toThrow(/altnames|Hostname/i);
    const otherCa = readFileSync(ensureDemoTls(tempDir()).caCertFile, 'utf8');
    await expect(get(port, otherCa, 'localhost')).rejects.toThrow(/certificate/i);
  });

  it('keeps its CA and certificate across starts, with the private keys readable by the owner only', () => {
    const root = tempDir();
    const dir = join(root, 'data', 'tls');
    const first = ensureDemoTls(dir);
    // Private itself, and the data directory it is made in stays as open as usual, for the database beside it.
    expect(statSync(dir).mode & 0o077).toBe(0);
    expect(statSync(join(root, 'data')).mode & 0o055).toBe(0o055);
    const ca = readFileSync(first.caCertFile, 'utf8');
    const cert = readFileSync(first.certFile, 'utf8');
    const again = ensureDemoTls(dir);
    expect(readFileSync(again.caCertFile, 'utf8')).toBe(ca);
    expect(readFileSync(again.certFile, 'utf8')).toBe(cert);
    expect(statSync(first.caKeyFile).mode & 0o077).toBe(0);
    expect(statSync(first.keyFile).mode & 0o077).toBe(0);
  });

  it('makes the server certificate again when it nears its end or is damaged, keeping the CA', () => {
    const dir = tempDir();
    const files = ensureDemoTls(dir, new Date('2025-01-01T00:00:00Z'));
    const ca = readFileSync(files.caCertFile, 'utf8');
    const old = readFileSync(files.certFile, 'utf8');
    // Two years on the server certificate is about to expire: renewed under the same CA.
    ensureDemoTls(dir, new Date('2026-12-15T00:00:00Z'));
    const renewed = readFileSync(files.certFile, 'utf8');
    expect(renewed).not.toBe(old);
    expect(readFileSync(files.caCertFile, 'utf8')).toBe(ca);
    writeFileSync(files.certFile, 'not a certificate');
    ensureDemoTls(dir, new Date('2026-12-15T00:00:00Z'));
    expect(new X509Certificate(readFileSync(files.certFile)).checkIssued(new X509Certificate(ca))).toBe(true);
  });
});
