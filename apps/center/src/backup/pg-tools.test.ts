import { describe, expect, it } from 'vitest';
import {
  chooseMethod,
  parsePgToolVersion,
  pgDumpArgs,
  pgEnv,
  pgRestoreArgs,
  pgRestoreCandidate,
  serverMajor,
  splitPassword,
} from './pg-tools.js';

describe('pg_dump and pg_restore command lines', () => {
  it('dump the whole database in the custom format from the exported snapshot', () => {
    expect(pgDumpArgs({ url: 'postgres://bsm@db.fz.bank.local:5432/bsm_fz', snapshot: '00000003-0000001B-1' })).toEqual(
      [
        '--format=custom',
        '--no-password',
        '--snapshot=00000003-0000001B-1',
        '--dbname=postgres://bsm@db.fz.bank.local:5432/bsm_fz',
      ],
    );
  });

  it('restore from stdin as the connecting user, all or nothing', () => {
    expect(pgRestoreArgs({ url: 'postgres://bsm@db:5432/bsm_fz_restored' })).toEqual([
      '--no-password',
      '--no-owner',
      '--no-privileges',
      '--single-transaction',
      '--exit-on-error',
      '--dbname=postgres://bsm@db:5432/bsm_fz_restored',
    ]);
  });

  it('keep the password off the command line: it travels in PGPASSWORD', () => {
    expect(splitPassword('postgres://bsm:s%40cret%2F1@db:5432/bsm_fz?sslmode=require')).toEqual({
      url: 'postgres://bsm@db:5432/bsm_fz?sslmode=require',
      password: 's@cret/1',
    });
    expect(splitPassword('postgres://postgres@127.0.0.1:5432/postgres')).toEqual({
      url: 'postgres://postgres@127.0.0.1:5432/postgres',
      password: null,
    });
    expect(pgEnv('s@cret', { PATH: '/usr/bin', PGPASSWORD: 'stale' })).toEqual({
      PATH: '/usr/bin',
      PGAPPNAME: 'bsm-backup',
      PGPASSWORD: 's@cret',
    });
    expect(pgEnv(null, { PGPASSWORD: 'stale' })).toEqual({ PGAPPNAME: 'bsm-backup' });
  });

  it('find pg_restore as configured, beside the configured pg_dump, or on PATH', () => {
    expect(pgRestoreCandidate({ pgRestorePath: '/opt/pg/bin/pg_restore' })).toBe('/opt/pg/bin/pg_restore');
    expect(pgRestoreCandidate({ pgDumpPath: '/usr/lib/postgresql/17/bin/pg_dump' })).toBe(
      '/usr/lib/postgresql/17/bin/pg_restore',
    );
    expect(pgRestoreCandidate({ pgDumpPath: '/usr/local/bin/pg_dump17' })).toBe('pg_restore');
    expect(pgRestoreCandidate({})).toBe('pg_restore');
  });
});

describe('versions', () => {
  it.each([
    ['pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)', { version: '15.20', major: 15 }],
    ['pg_restore (PostgreSQL) 17.4', { version: '17.4', major: 17 }],
    ['pg_dump (PostgreSQL) 18devel', { version: '18', major: 18 }],
    ['bash: pg_dump: command not found', null],
  ])('read %s', (output, expected) => {
    expect(parsePgToolVersion(output)).toEqual(expected);
  });

  it('take the server major from server_version_num', () => {
    expect(serverMajor(170004)).toBe(17);
    expect(serverMajor(150020)).toBe(15);
  });
});

describe('choosing how to back up', () => {
  const pg15 = { path: '/usr/bin/pg_dump', version: '15.20', major: 15 };

  it('auto: pg_dump when it is at least the server version', () => {
    expect(chooseMethod({ method: 'auto', serverVersionNum: 150020, pgDump: pg15, configured: false })).toEqual({
      method: 'pg_dump',
      tool: pg15,
    });
    expect(chooseMethod({ method: 'auto', serverVersionNum: 140010, pgDump: pg15, configured: false }).method).toBe(
      'pg_dump',
    );
  });

  it('auto: the built-in dump when pg_dump is older than the server or missing, saying why', () => {
    expect(chooseMethod({ method: 'auto', serverVersionNum: 170004, pgDump: pg15, configured: false })).toEqual({
      method: 'builtin',
      reason: '/usr/bin/pg_dump is version 15.20, older than the server (17), which it cannot dump',
    });
    expect(
      chooseMethod({
        method: 'auto',
        serverVersionNum: 170004,
        pgDump: { missing: 'pg_dump not found' },
        configured: false,
      }),
    ).toEqual({ method: 'builtin', reason: 'no pg_dump (pg_dump not found)' });
  });

  it('a configured pg_dump, or method pg_dump, must work: no silent fallback', () => {
    expect(() => chooseMethod({ method: 'auto', serverVersionNum: 170004, pgDump: pg15, configured: true })).toThrow(
      '/usr/bin/pg_dump is version 15.20, older than the server (17), which it cannot dump',
    );
    expect(() =>
      chooseMethod({
        method: 'pg_dump',
        serverVersionNum: 170004,
        pgDump: { missing: 'pg_dump not found' },
        configured: false,
      }),
    ).toThrow('pg_dump is not usable: pg_dump not found');
  });

  it('builtin: never looks for pg_dump', () => {
    expect(chooseMethod({ method: 'builtin', serverVersionNum: 150020, pgDump: pg15, configured: true })).toEqual({
      method: 'builtin',
      reason: 'configured',
    });
  });
});
