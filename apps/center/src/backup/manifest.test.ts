import { describe, expect, it } from 'vitest';
import { loadOrder, manifestParts, migrationProblem, parseManifest, type BackupManifest } from './manifest.js';

const SHA = 'cd'.repeat(32);

const builtin = (): BackupManifest => ({
  format: 'bsm-center-backup',
  version: 1,
  method: 'builtin',
  center: 'fz',
  createdAt: '2026-12-01T10:00:00.000Z',
  server: { version: '17.4', versionNum: 170004, database: 'bsm_fz' },
  migrations: ['20261122T0300_initial_schema', '20261122T0900_alarm_handling'],
  tables: [
    {
      name: 'roles',
      columns: [
        { name: 'name', type: 'text' },
        { name: 'description', type: 'text' },
      ],
      rows: 6,
      part: { entry: 'tables/roles.copy.gz', bytes: 120, sha256: SHA },
    },
  ],
  sequences: [{ name: 'audit_events_id_seq', lastValue: '9007199254740993' }],
  pgDump: null,
});

describe('backup manifests', () => {
  it('read back what a backup writes', () => {
    const m = builtin();
    expect(parseManifest(JSON.stringify(m))).toEqual(m);
    expect(manifestParts(m)).toEqual([{ entry: 'tables/roles.copy.gz', bytes: 120, sha256: SHA }]);
  });

  it.each([
    ['not JSON', '{"format": ', 'the manifest is not JSON'],
    ['another file', JSON.stringify({ hello: 1 }), 'not a center backup (format is not "bsm-center-backup")'],
    [
      'a newer format',
      JSON.stringify({ ...builtin(), version: 2 }),
      'backup format version 2 is not the one this center reads (1): restore it with the version of the center that made it',
    ],
    [
      'a bad hash',
      JSON.stringify({
        ...builtin(),
        tables: [{ ...builtin().tables[0], part: { entry: 'x', bytes: 1, sha256: 'zz' } }],
      }),
      'the manifest is invalid: tables.0.part.sha256: must be a SHA-256 in hex',
    ],
    [
      'no migrations',
      JSON.stringify({ ...builtin(), migrations: [] }),
      'the manifest is invalid: migrations: Too small: expected array to have >=1 items',
    ],
    [
      'a builtin backup without a part',
      JSON.stringify({ ...builtin(), tables: [{ ...builtin().tables[0], part: null }] }),
      'the manifest is invalid: a builtin backup has a part for every table',
    ],
    [
      'a pg_dump backup without its archive',
      JSON.stringify({ ...builtin(), method: 'pg_dump' }),
      'the manifest is invalid: pgDump must be given exactly for method pg_dump',
    ],
  ])('refuse %s with the exact problem', (_what, text, message) => {
    expect(() => parseManifest(text)).toThrow(message);
  });
});

describe('migrations of a backup', () => {
  const known = ['a_1', 'b_2', 'c_3'];

  it('restore when they are the first ones this code knows', () => {
    expect(migrationProblem(['a_1', 'b_2', 'c_3'], known)).toBeNull();
    expect(migrationProblem(['a_1'], known)).toBeNull();
  });

  it('refuse a backup of a newer center or of another line of migrations', () => {
    expect(migrationProblem(['a_1', 'b_2', 'c_3', 'd_4', 'e_5'], known)).toBe(
      'the backup was made by a newer center: migrations d_4, e_5 are unknown to this one; restore it with that version',
    );
    expect(migrationProblem(['a_1', 'x_2'], known)).toBe(
      "the backup's migration #2 is x_2, where this center has b_2: restore it with the version of the center that made it",
    );
  });
});

describe('load order', () => {
  it('puts every table after the ones it references, ties by name', () => {
    const order = loadOrder(
      ['sessions', 'users', 'roles', 'alarm_outbox', 'alarms', 'audit_events', 'nodes'],
      [
        { table: 'sessions', references: 'users' },
        { table: 'users', references: 'roles' },
        { table: 'alarm_outbox', references: 'alarms' },
        { table: 'nodes', references: 'nodes' }, // a self-reference loads in one COPY
        { table: 'elsewhere', references: 'roles' },
      ],
    );
    expect(order).toEqual(['alarms', 'audit_events', 'nodes', 'roles', 'alarm_outbox', 'users', 'sessions']);
  });

  it('refuses a cycle', () => {
    expect(() =>
      loadOrder(
        ['a', 'b', 'c'],
        [
          { table: 'a', references: 'b' },
          { table: 'b', references: 'a' },
        ],
      ),
    ).toThrow('foreign keys form a cycle between a, b');
  });
});
