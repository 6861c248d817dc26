import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDemoTls, signIn, startNetwork, Topology, type NetworkHandle } from '@bsm/launcher';
import type { Alarm, AlarmView } from '@bsm/protocol';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

/** Connects once: resolves on CONNACK, rejects with the error, or with `closed` when the broker just hangs up. */
function connectOnce(url: string, options: mqtt.IClientOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 4000, ...options });
    const end = (result: Error | null): void => {
      client.end(true);
      if (result) {
        reject(result);
      } else {
        resolve();
      }
    };
    client.once('connect', () => end(null));
    client.once('error', (error) => end(error));
    client.once('close', () => end(new Error('closed before CONNACK')));
  });
}

/**
 * MQTT over TLS where it is configured (S9): a branch reaches its city
 * center, and the city center its province, over mqtts:// with the
 * certificates of the network's CA; the brokers answer nothing in clear, and
 * credentials and ACLs apply inside TLS as before.
 */
describe('MQTT over TLS between the tiers', () => {
  let net: NetworkHandle;
  let dir: string;
  let cityMqtt = '';
  let ca: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bsm-mqtts-'));
    chmodSync(dir, 0o755);
    const port = (): Promise<number> => freePort();
    const topology = Topology.parse({
      name: 'mqtts test',
      dataDir: dir,
      mqttTls: true,
      postgres: { embeddedPort: await port() },
      cameras: { rtspPort: await port(), controlPort: await port() },
      simulator: { alarmsPerHour: 0 },
      backups: { enabled: false },
      centers: [
        { id: 'mp', name: '省中心', tier: 1, lat: 26.07, lon: 119.29, httpPort: await port(), mqttPort: await port() },
        {
          id: 'mc',
          name: '市中心',
          tier: 2,
          parent: 'mp',
          lat: 26.08,
          lon: 119.3,
          httpPort: await port(),
          mqttPort: await port(),
        },
      ],
      branches: [{ id: 'mc-a', name: '鼓楼支行', center: 'mc', lat: 26.08, lon: 119.29, agentPort: await port() }],
    });
    net = await startNetwork(topology, { restart: false, serveWeb: false, env: { LOG_LEVEL: 'warn' } });
    cityMqtt = net.centers.get('mc')?.mqttUrl ?? '';
    ca = readFileSync(net.caCertFile ?? '');
  });

  afterAll(async () => {
    await net?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("carries a branch's alarm over two TLS hops to the provincial console", async () => {
    expect(cityMqtt).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${net.branches.get('mc-a')?.agentUrl ?? ''}/alarms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'intrusion', text: 'over mqtts' }),
    });
    expect(res.status).toBe(201);
    const alarm = (await res.json()) as Alarm;
    const province = net.centers.get('mp')?.url ?? '';
    const { cookie } = await signIn(province, 'mp-op', net.topology.demoPassword);
    const seen = await waitFor(
      'the alarm at the province',
      async () => {
        const list = (await (await fetch(`${province}/api/alarms`, { headers: { cookie } })).json()) as {
          alarms: AlarmView[];
        };
        return list.alarms.find((a) => a.id === alarm.id);
      },
      30_000,
    );
    expect(seen.path).toEqual(['mc-a', 'mc']);
  });

  it('answers nothing in clear, and refuses a client that does not trust its certificate', async () => {
    const plain = cityMqtt.replace('mqtts://', 'mqtt://');
    const once = { username: 'mc-a', password: 'x' };
    await expect(connectOnce(plain, once)).rejects.toThrow(/closed before CONNACK|ECONNRESET/);
    const strangerCa = readFileSync(ensureDemoTls(join(dir, 'stranger-ca')).caCertFile);
    await expect(connectOnce(cityMqtt, { ...once, ca: strangerCa })).rejects.toThrow(/certificate/i);
  });

  it('still asks a node for its own credentials inside TLS', async () => {
    await expect(
      mqtt.connectAsync(cityMqtt, {
        reconnectPeriod: 0,
        connectTimeout: 4000,
        ca,
        username: 'mc-a',
        password: 'wrong',
      }),
    ).rejects.toThrow(/Not authorized|Bad username or password/i);
  });
});
