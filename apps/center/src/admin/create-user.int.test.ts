import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../../../../test/support/postgres.js';
import { createDb, migrateToLatest, type Db } from '../db/database.js';
import { NodeRepository } from '../repositories/node.repository.js';

const run = promisify(execFile);
const MAIN = resolve(import.meta.dirname, '../main.ts');

/** The first security administrator of a production center, made with `center create-user`. */
describe('center create-user', () => {
  let pg: TestPostgres;
  let db: Db;
  let dir: string;
  let configFile: string;

  const cli = (args: string[], password: string) =>
    run(process.execPath, ['--import', 'tsx', MAIN, 'create-user', '--config', configFile, ...args], {
      env: { ...process.env, BSM_NEW_USER_PASSWORD: password },
    });

  beforeAll(async () => {
    pg = await startTestPostgres();
    const url = await pg.freshDatabase('bsm_create_user');
    db = createDb(url, 2);
    await migrateToLatest(db);
    await new NodeRepository(db).upsertSelf({
      id: 'fz',
      parentId: null,
      kind: 'center',
      tier: 2,
      name: '福州分行安防监控中心',
      lat: 26.08,
      lon: 119.3,
      importance: 1,
    });
    dir = mkdtempSync(join(tmpdir(), 'bsm-create-user-'));
    writeFileSync(join(dir, 'credentials'), '');
    configFile = join(dir, 'center.yaml');
    writeFileSync(
      configFile,
      [
        'mode: production',
        'node: { id: fz, name: 福州分行安防监控中心, tier: 2, lat: 26.08, lon: 119.3 }',
        // The command serves nothing, but reads the same production config as the center.
        'http: { tls: { certFile: /etc/bsm/tls/center.crt, keyFile: /etc/bsm/tls/center.key } }',
        `database: { url: "${url}" }`,
        `broker: { embedded: { credentialsFile: "${join(dir, 'credentials')}" } }`,
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await db?.destroy();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a security administrator who has yet to enrol an authenticator, and records who ran it', async () => {
    const out = await cli(
      ['--username', 'admin.lin', '--role', 'security_admin', '--display-name', '林安'],
      'Strong-Pass-9',
    );
    expect(out.stdout).toContain('created admin.lin');
    const user = await db.selectFrom('users').selectAll().where('username', '=', 'admin.lin').executeTakeFirstOrThrow();
    expect(user).toMatchObject({ role: 'security_admin', jurisdiction: 'fz', totp_secret: null });
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    const audit = await db.selectFrom('audit_events').selectAll().where('action', '=', 'user.create').execute();
    expect(audit.map((a) => a.target)).toContain('admin.lin');
    expect(audit.find((a) => a.target === 'admin.lin')?.detail).toMatchObject({ via: 'command' });
  });

  it('refuses a weak password, an existing name and an unknown role, saying why', async () => {
    await expect(
      cli(['--username', 'weak', '--role', 'auditor', '--display-name', 'x'], 'short'),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('the password breaks the rules: too_short') as unknown,
    });
    await expect(
      cli(['--username', 'admin.lin', '--role', 'auditor', '--display-name', 'x'], 'Strong-Pass-9'),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('exists already') as unknown });
    await expect(
      cli(['--username', 'boss', '--role', 'god', '--display-name', 'x'], 'Strong-Pass-9'),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('role') as unknown });
  });
});
