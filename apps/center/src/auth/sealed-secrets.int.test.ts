import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoginResponse } from '@bsm/protocol';
import { createLogger, newTotpSecret, totpCode } from '@bsm/runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../../../../test/support/postgres.js';
import { startCenter } from '../app.js';
import { CenterConfig } from '../config.js';
import { SecretBox } from './secret-box.js';

const PASSWORD = 'Correct-Horse-1';

/**
 * Authenticator secrets at rest on a real center and PostgreSQL: sealed under
 * auth.secretKeyFile, the ones from before the key sealed at the next start,
 * sign-in unchanged, and a missing or wrong key stops the center with a reason.
 */
describe('sealed authenticator secrets', () => {
  let postgres: TestPostgres;
  let databaseUrl = '';
  let dir = '';
  const lin = newTotpSecret();
  const zhou = newTotpSecret();
  const keyA = (): string => join(dir, 'a.key');
  const keyB = (): string => join(dir, 'b.key');

  const configWith = (secretKeyFile: string | null, seeds: { username: string; totpSecret: string }[]) =>
    CenterConfig.parse({
      mode: 'development',
      node: { id: 'fz', name: '福州分行安防监控中心', tier: 2, lat: 26.08, lon: 119.3 },
      http: { port: 0 },
      media: { enabled: false },
      database: { url: databaseUrl },
      broker: { embedded: { port: 0, credentialsFile: join(dir, 'credentials') } },
      auth: secretKeyFile ? { secretKeyFile } : {},
      seedUsers: seeds.map((s) => ({ ...s, displayName: s.username, password: PASSWORD, role: 'operator' })),
    });
  const start = (config: CenterConfig) => startCenter(config, createLogger('sealed').child({}, { level: 'silent' }));
  const storedSecret = async (username: string): Promise<string | null> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ totp_secret: string | null }>(
        'SELECT totp_secret FROM users WHERE username = $1',
        [username],
      );
      return rows[0]?.totp_secret ?? null;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    postgres = await startTestPostgres();
    databaseUrl = await postgres.freshDatabase();
    dir = mkdtempSync(join(tmpdir(), 'bsm-sealed-'));
    writeFileSync(join(dir, 'credentials'), '');
    writeFileSync(keyA(), SecretBox.newKeyText(), { mode: 0o600 });
    writeFileSync(keyB(), SecretBox.newKeyText(), { mode: 0o600 });
  });

  afterAll(async () => {
    await postgres?.stop();
  });

  it('seals the secrets stored before the key at the next start, and new ones as they are made; sign-in works', async () => {
    const before = await start(configWith(null, [{ username: 'lin', totpSecret: lin }]));
    await before.close();
    expect(await storedSecret('lin')).toBe(lin);

    const center = await start(
      configWith(keyA(), [
        { username: 'lin', totpSecret: lin },
        { username: 'zhou', totpSecret: zhou },
      ]),
    );
    try {
      for (const [username, secret] of [
        ['lin', lin],
        ['zhou', zhou],
      ] as const) {
        const stored = (await storedSecret(username)) ?? '';
        expect(stored).toMatch(/^sealed:v1:/);
        expect(stored).not.toContain(secret);
      }
      const post = (path: string, body: unknown): Promise<Response> =>
        fetch(`${center.httpUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const first = LoginResponse.parse(
        await (await post('/api/auth/login', { username: 'lin', password: PASSWORD })).json(),
      );
      expect(first.step).toBe('totp');
      if (first.step !== 'totp') {
        return;
      }
      const done = await post('/api/auth/login/totp', { challenge: first.challenge, code: totpCode(lin, Date.now()) });
      expect(done.status).toBe(200);
      expect(LoginResponse.parse(await done.json()).step).toBe('done');
    } finally {
      await center.close();
    }
  });

  it('will not start without the key the secrets were sealed with, or with another one, saying why', async () => {
    await expect(start(configWith(null, []))).rejects.toThrow(
      /authenticator secrets are sealed, but auth\.secretKeyFile is not configured/,
    );
    await expect(start(configWith(keyB(), []))).rejects.toThrow(
      'auth.secretKeyFile does not open the stored authenticator secrets: it is not the key they were sealed with',
    );
    // Nothing was changed by the refused starts: the right key still opens them.
    const center = await start(configWith(keyA(), []));
    await center.close();
  });
});
