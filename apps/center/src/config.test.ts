import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, readConfigFile } from '@bsm/runtime';
import { describe, expect, it } from 'vitest';
import { backupDir, centerConfig } from '../../../packages/launcher/src/configs.js';
import { Topology } from '../../../packages/launcher/src/topology.js';
import { CenterConfig } from './config.js';

const ROOT = resolve(import.meta.dirname, '../../..');

const problemsOf = (yaml: string, env: NodeJS.ProcessEnv = {}): string[] => {
  const file = join(mkdtempSync(join(tmpdir(), 'bsm-cfg-')), 'center.yaml');
  writeFileSync(file, yaml);
  try {
    loadConfig(CenterConfig, { file, envPrefix: 'BSM_CENTER', env });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems;
    }
    throw error;
  }
};

const HTTP = 'http: { tls: { certFile: /etc/bsm/center.crt, keyFile: /etc/bsm/center.key } }';
const VALID = `
node: { id: fz, name: 福州, tier: 2, lat: 26, lon: 119 }
${HTTP}
database: { url: "postgres://x@localhost/db" }
broker: { embedded: { credentialsFile: /etc/creds } }
`;

describe('center configuration', () => {
  it.each(['config/center.example.yaml', 'deploy/l1/center.yaml', 'deploy/l2/center.yaml'])(
    'shipped file %s is valid',
    (file) => {
      const config = loadConfig(CenterConfig, { file: join(ROOT, file), envPrefix: 'BSM_CENTER', env: {} });
      expect(config.mode).toBe('production');
      expect(config.seedUsers).toEqual([]);
    },
  );

  it("accepts the demo launcher's center configs, each backing up into its own directory of the network's data", () => {
    const topology = Topology.parse(readConfigFile(join(ROOT, 'config/demo-network.yaml')));
    const dataDir = resolve(ROOT, topology.dataDir);
    for (const c of topology.centers) {
      const config = CenterConfig.parse(
        centerConfig(topology, c, {
          databaseUrl: `postgres://postgres@127.0.0.1:15432/bsm_${c.id}`,
          credentialsFile: '/tmp/creds',
          parentSecret: c.parent ? 'secret' : null,
          webDist: null,
          backupDir: backupDir(dataDir, c.id),
          tls: { certFile: '/tmp/tls/center.crt', keyFile: '/tmp/tls/center.key' },
        }),
      );
      expect(config.backup).toEqual({
        enabled: true,
        dir: join(dataDir, 'backups', c.id),
        intervalMinutes: 30,
        keep: 12,
        method: 'auto',
      });
      expect(config.http.tls).toEqual({ certFile: '/tmp/tls/center.crt', keyFile: '/tmp/tls/center.key' });
    }
  });

  it("takes the demo launcher's MQTT over TLS: the broker's certificate, and the parent's CA", () => {
    const topology = Topology.parse({ ...readConfigFile(join(ROOT, 'config/demo-network.yaml')), mqttTls: true });
    const mqttCa = { certFile: '/t/center.crt', keyFile: '/t/center.key', caCertFile: '/t/demo-ca.crt' };
    const city = topology.centers.find((c) => c.parent !== undefined);
    expect(city).toBeDefined();
    const config = CenterConfig.parse(
      centerConfig(topology, city!, {
        databaseUrl: 'postgres://postgres@127.0.0.1:15432/bsm_x',
        credentialsFile: '/tmp/creds',
        parentSecret: 'secret',
        webDist: null,
        backupDir: null,
        tls: null,
        mqttCa,
      }),
    );
    expect(config.broker.embedded?.tls).toEqual({ certFile: '/t/center.crt', keyFile: '/t/center.key' });
    expect(config.parent?.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:/);
    expect(config.parent?.caFile).toBe('/t/demo-ca.crt');
  });

  it('fills defaults', () => {
    expect(problemsOf(VALID)).toEqual([]);
  });

  it('lets the environment override the file, with types kept', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bsm-cfg-')), 'c.yaml');
    writeFileSync(file, VALID);
    const config = loadConfig(CenterConfig, {
      file,
      envPrefix: 'BSM_CENTER',
      env: {
        BSM_CENTER__HTTP__PORT: '9090',
        BSM_CENTER__DATABASE__URL: 'postgres://y@db/z',
        BSM_CENTER__AUTH__SECURE_COOKIES: 'true',
      },
    });
    expect(config.http.port).toBe(9090);
    expect(config.database.url).toBe('postgres://y@db/z');
    expect(config.auth.secureCookies).toBe(true);
  });

  it('gives the media server its defaults, so a center without a media section plays video', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bsm-cfg-')), 'c.yaml');
    writeFileSync(file, VALID);
    const config = loadConfig(CenterConfig, { file, envPrefix: 'BSM_CENTER', env: {} });
    expect(config.media).toEqual({
      enabled: true,
      host: '127.0.0.1',
      rtmpPort: 1935,
      httpPort: 8000,
      graceSec: 15,
      playUrlTtlSec: 60,
      publishKeyTtlSec: 300,
      slowViewerBufferKb: 1024,
    });
    const custom = loadConfig(CenterConfig, {
      file,
      envPrefix: 'BSM_CENTER',
      env: { BSM_CENTER__MEDIA__RTMP_PORT: '0', BSM_CENTER__MEDIA__PUBLIC_URL: 'https://video.bank.local' },
    });
    expect(custom.media.rtmpPort).toBe(0);
    expect(custom.media.publicUrl).toBe('https://video.bank.local');
  });

  it('takes backups only when configured, with defaults for all but the directory', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bsm-cfg-')), 'c.yaml');
    writeFileSync(file, VALID);
    expect(loadConfig(CenterConfig, { file, envPrefix: 'BSM_CENTER', env: {} }).backup).toBeUndefined();
    const config = loadConfig(CenterConfig, {
      file,
      envPrefix: 'BSM_CENTER',
      env: { BSM_CENTER__BACKUP__DIR: '/mnt/backup/fz' },
    });
    expect(config.backup).toEqual({
      enabled: true,
      dir: '/mnt/backup/fz',
      intervalMinutes: 60,
      keep: 48,
      method: 'auto',
    });
  });

  it.each([
    ['a misspelt media key', `${VALID}\nmedia: { graceSecs: 5 }`, ['media: Unrecognized key: "graceSecs"']],
    [
      'a media public RTMP URL that is not RTMP',
      `${VALID}\nmedia: { publicRtmpUrl: "http://x" }`,
      ['media.publicRtmpUrl: must start with rtmp:// or rtmps://'],
    ],
    ['an unknown key', VALID.replace('http: {', 'http: { prot: 80,'), ['http: Unrecognized key: "prot"']],
    [
      'plain HTTP in production',
      VALID.replace(HTTP, ''),
      [
        'http.tls: production mode needs HTTPS: set http.tls (certFile, keyFile), or, behind a proxy that ends TLS, ' +
          'an https:// http.publicUrl and auth.secureCookies: true',
      ],
    ],
    [
      'a proxy ending TLS whose cookies would still travel in clear',
      VALID.replace(HTTP, 'http: { publicUrl: "https://fz.bank.local" }'),
      [
        'http.tls: production mode needs HTTPS: set http.tls (certFile, keyFile), or, behind a proxy that ends TLS, ' +
          'an https:// http.publicUrl and auth.secureCookies: true',
      ],
    ],
    [
      'a certificate without its key',
      VALID.replace(', keyFile: /etc/bsm/center.key', ''),
      ['http.tls.keyFile: Invalid input: expected string, received undefined'],
    ],
    [
      'a backup directory relative to wherever the center starts',
      `${VALID}\nbackup: { dir: backups }`,
      ['backup.dir: must be an absolute path'],
    ],
    [
      'a backup section without a directory',
      `${VALID}\nbackup: { keep: 5 }`,
      ['backup.dir: Invalid input: expected string, received undefined'],
    ],
    ['a misspelt backup key', `${VALID}\nbackup: { dir: /mnt/b, keepDay: 3 }`, ['backup: Unrecognized key: "keepDay"']],
    [
      'an unknown backup method',
      `${VALID}\nbackup: { dir: /mnt/b, method: rsync }`,
      ['backup.method: Invalid option: expected one of "auto"|"pg_dump"|"builtin"'],
    ],
    [
      'backups more often than once a minute',
      `${VALID}\nbackup: { dir: /mnt/b, intervalMinutes: 0 }`,
      ['backup.intervalMinutes: Too small: expected number to be >=1'],
    ],
    ['a misspelt section', `${VALID}\ndatabse: {}`, ['(top level): Unrecognized key: "databse"']],
    [
      'a bad node id',
      VALID.replace('id: fz', 'id: "Fu Zhou"'),
      ['node.id: node id: 1–48 of a-z, 0-9, "-", starting with a letter or digit'],
    ],
    [
      'a non-postgres database',
      VALID.replace('postgres://x@localhost/db', 'mysql://x'),
      ['database.url: must be a postgres:// URL'],
    ],
    [
      'two brokers',
      VALID.replace(
        '{ embedded: { credentialsFile: /etc/creds } }',
        '{ embedded: { credentialsFile: /c }, external: { url: "mqtt://b", username: u, password: p } }',
      ),
      ['broker: configure exactly one of broker.embedded or broker.external'],
    ],
    [
      'a parent on a level-1 center',
      VALID.replace('tier: 2', 'tier: 1') + '\nparent: { id: fj, url: "mqtt://p", password: x }',
      ['parent: a level-1 center has no parent'],
    ],
    [
      'seed users in production',
      `${VALID}\nseedUsers: [{ username: a, displayName: A, password: "12345678", role: operator }]`,
      ['seedUsers: seed users with known passwords are refused in production mode'],
    ],
  ])('refuses %s with the exact problem', (_what, yaml, expected) => {
    expect(problemsOf(yaml)).toEqual(expected);
  });

  it('serves plain HTTP in development, or in production behind a proxy that ends TLS', () => {
    expect(problemsOf(`mode: development\n${VALID.replace(HTTP, '')}`)).toEqual([]);
    expect(
      problemsOf(VALID.replace(HTTP, 'http: { publicUrl: "https://fz.bank.local" }\nauth: { secureCookies: true }')),
    ).toEqual([]);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf(`node: { id: "X", tier: 4 }\nbroker: {}\n`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^node\.id:/),
        expect.stringMatching(/^node\.name:/),
        expect.stringMatching(/^node\.tier:/),
        expect.stringMatching(/^database:/),
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });
});
