import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, createLogger, hashSecret, loadConfig, newSecret, onShutdown } from '@bsm/runtime';
import { createUserFromCommand, newPasswordFromEnvOrPrompt } from './admin/create-user.js';
import { startCenter } from './app.js';
import { restoreBackup, verifyBackup } from './backup/restore.js';
import { backupAuditEntry, backupOnce } from './backup/scheduler.js';
import { CenterConfig } from './config.js';
import { createDb, migrateToLatest } from './db/database.js';
import { AuditRepository, type AuditEntry } from './repositories/audit.repository.js';

const USAGE = `usage:
  center [--config <file>]          start a center (config also from BSM_CENTER_CONFIG and BSM_CENTER__* variables)
  center check-config --config <f>  validate a config file and exit
  center migrate --config <f>       bring the database schema up to date and exit (run as the database owner)
  center create-user --config <f> --username <u> --role <role> --display-name <name> [--jurisdiction <node>]
                                    create a user (the first security administrator, auditors); the password
                                    from BSM_NEW_USER_PASSWORD or asked for; the authenticator is enrolled at sign-in
  center new-node-secret <nodeId>   make a node credential: prints the secret for the node and the line for the credentials file
  center backup --config <f>        back the center's database up now into backup.dir (then retention); prints the file
  center restore --config <f> --from <backup> [--database-url <url>] [--force]
                                    restore a backup into an empty database (default: the config's database.url);
                                    --force first drops everything in a non-empty one; refused while anyone is connected
  center verify-backup --from <backup>
                                    check a backup file (its .sha256 sidecar, every part's hash) without a database`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
      from: { type: 'string' },
      'database-url': { type: 'string' },
      force: { type: 'boolean' },
      username: { type: 'string' },
      role: { type: 'string' },
      'display-name': { type: 'string' },
      jurisdiction: { type: 'string' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command, ...rest] = positionals;

  if (command === 'new-node-secret') {
    const nodeId = rest[0];
    if (!nodeId) {
      throw new Error(`new-node-secret needs a node id\n${USAGE}`);
    }
    const secret = newSecret();
    console.log(`secret for ${nodeId} (give it to the node, store nowhere else):\n  ${secret}`);
    console.log(`line for the center's credentials file:\n  ${nodeId}:${await hashSecret(secret)}`);
    return;
  }

  if (command === 'verify-backup') {
    const from = required(values.from, '--from <backup file>');
    const v = await verifyBackup(from);
    const rows = v.manifest.tables.reduce((n, t) => n + t.rows, 0);
    console.log(
      `${from}: good — ${v.manifest.method} backup of ${v.manifest.center} taken ${v.manifest.createdAt}, ` +
        `${v.manifest.tables.length} tables, ${rows} rows, migrations up to ${v.manifest.migrations.at(-1)}; ` +
        (v.sidecar === 'ok' ? `SHA-256 ${v.sha256} matches its sidecar` : `no .sha256 sidecar (SHA-256 ${v.sha256})`),
    );
    return;
  }

  const config = loadConfig(CenterConfig, { file: values.config, envPrefix: 'BSM_CENTER' });
  if (command === 'check-config') {
    console.log(`configuration of ${config.node.id} is valid`);
    return;
  }
  if (command === 'backup') {
    if (!config.backup) {
      throw new Error(`${config.node.id} has no backup section: set backup.dir (a second disk or server)`);
    }
    const target = { centerId: config.node.id, databaseUrl: config.database.url, config: config.backup };
    let r: Awaited<ReturnType<typeof backupOnce>>;
    try {
      r = await backupOnce(target);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await recordAudit(config.database.url, backupAuditEntry({ ok: false, error: message }, commandBy()));
      throw error;
    }
    await recordAudit(config.database.url, backupAuditEntry({ ok: true, run: r }, commandBy()));
    console.log(r.file);
    console.error(
      `${r.method} backup: ${r.tables} tables, ${r.rows} rows, ${r.bytes} bytes in ${r.durationMs} ms` +
        (r.methodReason ? ` (built-in dump: ${r.methodReason})` : '') +
        (r.pruned.length > 0 ? `; retention removed ${r.pruned.join(', ')}` : '') +
        (r.pruneError ? `; retention failed: ${r.pruneError}` : ''),
    );
    return;
  }
  if (command === 'restore') {
    const from = required(values.from, '--from <backup file>');
    const databaseUrl = values['database-url'] ?? config.database.url;
    if (values.force) {
      console.error(
        'warning: --force drops everything in the target database before restoring; make sure no center runs on it',
      );
    }
    const r = await restoreBackup({
      from,
      databaseUrl,
      force: values.force === true,
      pgDumpPath: config.backup?.pgDumpPath,
      pgRestorePath: config.backup?.pgRestorePath,
      log: (line) => console.error(line),
    });
    await recordAudit(databaseUrl, {
      actor: null,
      action: 'system.restore',
      target: basename(from),
      outcome: 'success',
      detail: {
        center: r.manifest.center,
        takenAt: r.manifest.createdAt,
        method: r.method,
        rows: r.rows,
        sidecar: r.sidecar,
        newerMigrations: r.newerMigrations,
        force: values.force === true,
        ...commandBy(),
      },
    });
    console.log(
      `restored ${r.tables} tables, ${r.rows} rows (${r.method}) into ${redact(databaseUrl)} in ${r.durationMs} ms` +
        (r.manifest.center === config.node.id ? '' : ` — note: the backup is of center ${r.manifest.center}`),
    );
    return;
  }
  if (command === 'create-user') {
    const db = createDb(config.database.url, 1);
    try {
      await migrateToLatest(db);
      await createUserFromCommand(
        db,
        new AuditRepository(db, config.node.id),
        {
          username: required(values.username, '--username <name>'),
          displayName: required(values['display-name'], '--display-name <name>'),
          role: required(values.role, '--role <role>'),
          jurisdiction: values.jurisdiction ?? config.node.id,
          password: await newPasswordFromEnvOrPrompt(),
        },
        commandBy(),
      );
      console.log(`created ${values.username ?? ''}; they set up their authenticator at the first sign-in`);
    } finally {
      await db.destroy();
    }
    return;
  }
  if (command === 'migrate') {
    // In production the center's own role may not change the schema (docs/audit.md): the owner migrates.
    const db = createDb(config.database.url, 1);
    try {
      const applied = await migrateToLatest(db);
      console.log(applied.length > 0 ? `applied ${applied.join(', ')}` : 'the schema is up to date');
    } finally {
      await db.destroy();
    }
    return;
  }
  if (command !== undefined) {
    throw new Error(`unknown command "${command}"\n${USAGE}`);
  }

  const log = createLogger('center', { node: config.node.id });
  const center = await startCenter(config, log);
  process.on('SIGHUP', () => center.reloadCredentials());
  onShutdown(log, [() => center.close()]);
}

/** Who ran a command, for the audit trail: the operating-system account (no center user signs in here). */
function commandBy(): Record<string, unknown> {
  let osUser = 'unknown';
  try {
    osUser = userInfo().username;
  } catch {
    // No passwd entry (some containers).
  }
  return { via: 'command', osUser };
}

/** An entry in the database's audit trail; a failure to write it is reported, not fatal. */
async function recordAudit(databaseUrl: string, entry: AuditEntry): Promise<void> {
  const db = createDb(databaseUrl, 1);
  try {
    await new AuditRepository(db).append(entry);
  } catch (error) {
    console.error(`warning: could not record ${entry.action} in the audit trail: ${(error as Error).message}`);
  } finally {
    await db.destroy();
  }
}

function required(value: string | undefined, what: string): string {
  if (!value) {
    throw new Error(`missing ${what}\n${USAGE}`);
  }
  return value;
}

/** A database URL for the terminal, without its password. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    u.password = u.password ? '***' : '';
    return u.toString();
  } catch {
    return '(database)';
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
