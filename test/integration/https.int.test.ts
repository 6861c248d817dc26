import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signIn, startNetwork, Topology, type NetworkHandle } from '@bsm/launcher';
import type { ClientToServerEvents, ServerToClientEvents } from '@bsm/protocol';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';

/**
 * S9 on a real center as `npm start` runs it: the console, the API and the
 * socket are served over TLS only, with a certificate from the network's CA;
 * the session cookie never travels in clear.
 */
describe('a center served over HTTPS', () => {
  let net: NetworkHandle;
  let dir: string;
  let base = '';
  let httpPort = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bsm-https-'));
    chmodSync(dir, 0o755);
    const port = (): Promise<number> => freePort();
    httpPort = await port();
    const topology = Topology.parse({
      name: 'https test',
      dataDir: dir,
      postgres: { embeddedPort: await port() },
      cameras: { rtspPort: await port(), controlPort: await port() },
      simulator: { alarmsPerHour: 0 },
      backups: { enabled: false },
      centers: [{ id: 'tp', name: '省中心', tier: 1, lat: 26.07, lon: 119.29, httpPort, mqttPort: await port() }],
    });
    net = await startNetwork(topology, { restart: false, serveWeb: false, env: { LOG_LEVEL: 'warn' } });
    base = net.centers.get('tp')?.url ?? '';
  });

  afterAll(async () => {
    await net?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers over TLS with a certificate of the network CA for its address, and not over plain HTTP', async () => {
    expect(base).toBe(`https://127.0.0.1:${httpPort}`);
    const ca = readFileSync(net.caCertFile ?? '');
    const answer = await new Promise<{ status: number; authorized: boolean; issuer: string }>((resolve, reject) => {
      httpsGet(`${base}/api/health`, { ca }, (res) => {
        res.resume();
        const socket = res.socket as TLSSocket;
        resolve({
          status: res.statusCode ?? 0,
          authorized: socket.authorized,
          issuer: String(socket.getPeerCertificate().issuer.CN),
        });
      }).on('error', reject);
    });
    expect(answer).toEqual({ status: 200, authorized: true, issuer: 'Bank Security Network Demo CA' });
    // The same port spoken to in clear gives nothing back, not even the health.
    const clear = await new Promise<string>((resolve) => {
      httpGet(`http://127.0.0.1:${httpPort}/api/health`, { timeout: 5000 }, (res) => {
        res.resume();
        resolve(`HTTP ${res.statusCode}`);
      }).on('error', (error) => resolve(`refused: ${error.message}`));
    });
    expect(clear).not.toBe('HTTP 200');
  });

  it('sends the session cookie with Secure and HttpOnly, and keeps the socket on WSS', async () => {
    const officer = await signIn(base, 'tp-op', net.topology.demoPassword);
    expect(officer.setCookie).toMatch(/; Secure/i);
    expect(officer.setCookie).toMatch(/; HttpOnly/i);
    expect(officer.setCookie).toMatch(/; SameSite=Strict/i);
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(base, {
      extraHeaders: { cookie: officer.cookie },
      transports: ['websocket'],
      reconnection: false,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      expect(socket.connected).toBe(true);
      expect(socket.io.engine.transport.name).toBe('websocket');
    } finally {
      socket.disconnect();
    }
  });
});
