import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { externalPostgres, startEmbeddedPostgres, type PostgresHandle } from '../../packages/launcher/src/postgres.js';
import { freePort } from './ports.js';

export interface TestPostgres {
  handle: PostgresHandle;
  /** A new, empty database; its URL. */
  freshDatabase(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

let counter = 0;

/**
 * Real PostgreSQL for a test file: the embedded server in a temp directory
 * by default, or the server at `TEST_PG_URL` (e.g. the system one at
 * postgres://postgres@127.0.0.1:5432/postgres) when set. A test that needs
 * one kind whatever the environment says asks for it: `embedded`, or the
 * server at `url`.
 */
export async function startTestPostgres(opts: { embedded?: boolean; url?: string } = {}): Promise<TestPostgres> {
  const external = opts.url ?? (opts.embedded ? undefined : process.env.TEST_PG_URL);
  let dir: string | null = null;
  const handle = external
    ? externalPostgres(external)
    : await startEmbeddedPostgres({ dir: (dir = mkdtempSync(join(tmpdir(), 'bsm-pg-'))), port: await freePort() });
  const created: string[] = [];
  return {
    handle,
    async freshDatabase(prefix = 'bsm_test') {
      const name = `${prefix}_${process.pid}_${Date.now()}_${counter++}`;
      await handle.ensureDatabase(name);
      created.push(name);
      return handle.urlFor(name);
    },
    async stop() {
      if (external) {
        for (const name of created) {
          await handle.dropDatabase(name).catch(() => undefined);
        }
      }
      await handle.stop();
      if (dir) {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
