import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/ports.js';
import { startEmbeddedPostgres, type PostgresHandle } from './postgres.js';

describe('embedded PostgreSQL', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) {
      await c();
    }
  });

  const query = async (handle: PostgresHandle, db: string, sql: string): Promise<unknown[]> => {
    const client = new pg.Client({ connectionString: handle.urlFor(db) });
    await client.connect();
    try {
      return (await client.query<Record<string, unknown>>(sql)).rows;
    } finally {
      await client.end();
    }
  };

  it('keeps its databases across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bsm-pg-restart-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dir, port });
    await first.ensureDatabase('bsm_keep');
    await query(first, 'bsm_keep', 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$still here$$)');
    await first.stop();
    const second = await startEmbeddedPostgres({ dir, port });
    cleanup.push(() => second.stop());
    expect(await query(second, 'bsm_keep', 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
  });

  // As root, the server runs as user "postgres"; a data directory inside a private (0700)
  // directory is out of its reach, as is node_modules in a private home.
  it.skipIf(userInfo().uid !== 0)(
    'starts even when the data directory lies inside a private directory, and says where the data is',
    async () => {
      const privateRoot = mkdtempSync(join(tmpdir(), 'bsm-private-')); // mode 0700
      cleanup.push(() => rmSync(privateRoot, { recursive: true, force: true }));
      const dir = join(privateRoot, 'data', 'postgres');
      mkdirSync(dir, { recursive: true });
      const handle = await startEmbeddedPostgres({ dir, port: await freePort() });
      cleanup.push(() => handle.stop());
      await handle.ensureDatabase('bsm_private');
      expect(await query(handle, 'bsm_private', 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
      const note = join(dir, 'DATA-LOCATION.txt');
      expect(existsSync(note)).toBe(true);
      expect(readFileSync(note, 'utf8')).toMatch(/cannot reach .* its data is kept in \/.+bsm-pgdata-/);
    },
  );
});
