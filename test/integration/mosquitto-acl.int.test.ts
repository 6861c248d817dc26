import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { upTopic } from '@bsm/protocol';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

const ROOT = resolve(import.meta.dirname, '../..');
const HAVE_MOSQUITTO =
  spawnSync('which', ['mosquitto']).status === 0 && spawnSync('which', ['mosquitto_passwd']).status === 0;

/** The shipped production broker config (config/mosquitto/) on the real Mosquitto: each node has its own topics only. */
describe.skipIf(!HAVE_MOSQUITTO)('Mosquitto with the shipped ACL', () => {
  let broker: ChildProcess;
  let dir: string;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bsm-mosq-'));
    chmodSync(dir, 0o755);
    const port = await freePort();
    const passwd = join(dir, 'passwd');
    spawnSync('mosquitto_passwd', ['-c', '-b', passwd, 'center-fz', 'center-secret']);
    spawnSync('mosquitto_passwd', ['-b', passwd, 'fz-gulou', 'gulou-secret']);
    spawnSync('mosquitto_passwd', ['-b', passwd, 'fz-taijiang', 'taijiang-secret']);
    chmodSync(passwd, 0o644);
    writeFileSync(join(dir, 'acl'), readFileSync(join(ROOT, 'config/mosquitto/acl')));
    const conf = readFileSync(join(ROOT, 'config/mosquitto/mosquitto.conf'), 'utf8')
      .replace(/^listener .*$/m, `listener ${port} 127.0.0.1`)
      .replaceAll('/mosquitto/config/', `${dir}/`)
      .replace(/^persistence true$/m, 'persistence false')
      .replace(/^persistence_location .*$/m, '');
    writeFileSync(join(dir, 'mosquitto.conf'), conf);
    broker = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
    url = `mqtt://127.0.0.1:${port}`;
    await waitFor('mosquitto up', async () => {
      const c = await mqtt.connectAsync(url, { username: 'center-fz', password: 'center-secret', reconnectPeriod: 0 });
      await c.endAsync();
      return true;
    });
  });

  afterAll(() => {
    broker?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses anonymous and wrong-password logins', async () => {
    await expect(mqtt.connectAsync(url, { reconnectPeriod: 0 })).rejects.toThrow();
    await expect(
      mqtt.connectAsync(url, { username: 'fz-gulou', password: 'nope', reconnectPeriod: 0 }),
    ).rejects.toThrow();
  });

  it('delivers a node’s own messages to the center and refuses one sent under another node’s topic', async () => {
    const center = await mqtt.connectAsync(url, {
      username: 'center-fz',
      password: 'center-secret',
      reconnectPeriod: 0,
    });
    const got: string[] = [];
    center.on('message', (topic, payload) => got.push(`${topic} ${payload.toString()}`));
    await center.subscribeAsync('bsm/v1/+/up/+', { qos: 1 });
    const gulou = await mqtt.connectAsync(url, {
      username: 'fz-gulou',
      password: 'gulou-secret',
      reconnectPeriod: 0,
      protocolVersion: 5,
    });
    await expect(gulou.publishAsync(upTopic('fz-taijiang', 'alarm'), 'spoofed', { qos: 1 })).rejects.toThrow(
      /Not authorized/,
    );
    await gulou.publishAsync(upTopic('fz-gulou', 'alarm'), 'genuine', { qos: 1 });
    await waitFor('genuine message', () => got.some((m) => m.endsWith('genuine')));
    expect(got.some((m) => m.includes('spoofed'))).toBe(false);
    await gulou.endAsync();
    await center.endAsync();
  });

  it('delivers a node only its own commands', async () => {
    const center = await mqtt.connectAsync(url, {
      username: 'center-fz',
      password: 'center-secret',
      reconnectPeriod: 0,
    });
    const gulou = await mqtt.connectAsync(url, {
      username: 'fz-gulou',
      password: 'gulou-secret',
      reconnectPeriod: 0,
      protocolVersion: 5,
    });
    const got: string[] = [];
    gulou.on('message', (topic) => got.push(topic));
    await gulou.subscribeAsync('bsm/v1/fz-gulou/down/+', { qos: 1 });
    await gulou.subscribeAsync('bsm/v1/fz-taijiang/down/+', { qos: 1 }); // allowed to ask, never delivered
    await center.publishAsync('bsm/v1/fz-taijiang/down/command', 'for taijiang', { qos: 1 });
    await center.publishAsync('bsm/v1/fz-gulou/down/command', 'for gulou', { qos: 1 });
    await waitFor('own command', () => got.includes('bsm/v1/fz-gulou/down/command'));
    expect(got).toEqual(['bsm/v1/fz-gulou/down/command']);
    await gulou.endAsync();
    await center.endAsync();
  });
});
