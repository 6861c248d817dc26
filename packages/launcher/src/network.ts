import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { agentConfig, agentDir, backupDir, centerConfig, centerDir, demoUsers } from './configs.js';
import { externalPostgres, startEmbeddedPostgres, type PostgresHandle } from './postgres.js';
import { branchKit } from './branch-kit.js';
import { AGENT_MAIN, CAMERA_FARM_MAIN, CENTER_MAIN, REPO_ROOT, WEB_DIST } from './paths.js';
import { ensureSecretKey, loadOrCreateSecrets } from './secrets.js';
import { ManagedProcess } from './supervisor.js';
import { ensureDemoTls } from './tls.js';
import { centersTopDown, databaseName, type Topology } from './topology.js';

export interface NetworkOptions {
  /** Each process's output line, for the console; the full logs are in `<dataDir>/logs`. */
  onLine?: (name: string, line: string) => void;
  /** Launcher progress messages. */
  onStatus?: (message: string) => void;
  /** Serve the web console (needs a build); tests of the API alone can skip it. */
  serveWeb?: boolean;
  /** Restart a process that dies unexpectedly (the demo does; tests that kill processes may not). */
  restart?: boolean;
  /** Environment added to every process. */
  env?: NodeJS.ProcessEnv;
  /** Milliseconds to wait for every process to answer. */
  readyTimeoutMs?: number;
  /**
   * Spawn the branch agents (default). A benchmark that runs hundreds of
   * agents in its own process provisions them (configs, credentials) but
   * starts them itself.
   */
  startBranches?: boolean;
}

export interface CenterEndpoint {
  id: string;
  name: string;
  tier: number;
  url: string;
  mqttUrl: string;
  databaseUrl: string;
}

export interface NetworkFile {
  name: string;
  /** The CA to trust to reach the consoles over HTTPS; null over plain HTTP. */
  caCertFile: string | null;
  centers: Record<string, { url: string; name: string; tier: number }>;
  branches: Record<string, { agentUrl: string; name: string; center: string }>;
  users: { username: string; role: string; center: string }[];
}

export interface NetworkHandle {
  topology: Topology;
  dataDir: string;
  /** The CA certificate the consoles' certificate chains to (trust it to reach them); null over plain HTTP. */
  caCertFile: string | null;
  centers: Map<string, CenterEndpoint>;
  branches: Map<string, { agentUrl: string; center: string; configFile: string }>;
  processes: Map<string, ManagedProcess>;
  postgres: PostgresHandle;
  /** Stops one process (SIGTERM, or SIGKILL to simulate a crash) and keeps it down until `startNode`. */
  stopNode(id: string, how?: 'graceful' | 'kill'): Promise<void>;
  startNode(id: string): Promise<void>;
  waitReady(id: string): Promise<void>;
  stop(): Promise<void>;
}

/** Process name of the simulated cameras of the whole network. */
export const CAMERA_FARM = 'cameras';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitForUrl(url: string, timeoutMs: number, what: string, ca: Buffer | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const status = await statusOf(url, ca);
      if (status >= 200 && status < 300) {
        return;
      }
      last = `HTTP ${status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s (${last}); see its log`);
}

/** The status of a GET, over HTTPS trusting `ca` (the launcher may not have it in its trust store). */
function statusOf(url: string, ca: Buffer | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const options = { signal: AbortSignal.timeout(2000), ...(ca ? { ca } : {}) };
    const req = (url.startsWith('https:') ? httpsGet : httpGet)(url, options, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

/**
 * Starts a whole network on loopback: PostgreSQL, every center (each with
 * its embedded broker) and every simulated branch agent, each in its own
 * process, exactly as they would run on separate hosts.
 */
export async function startNetwork(topology: Topology, opts: NetworkOptions = {}): Promise<NetworkHandle> {
  const status = opts.onStatus ?? (() => undefined);
  const dataDir = resolve(REPO_ROOT, topology.dataDir);
  mkdirSync(join(dataDir, 'logs'), { recursive: true });

  status(
    topology.postgres.url
      ? 'using PostgreSQL at the configured URL'
      : `starting embedded PostgreSQL on 127.0.0.1:${topology.postgres.embeddedPort}`,
  );
  const postgres = topology.postgres.url
    ? externalPostgres(topology.postgres.url)
    : await startEmbeddedPostgres({ dir: join(dataDir, 'postgres'), port: topology.postgres.embeddedPort });

  // One CA for every network of a test run (BSM_TLS_DIR), so a single trusted certificate covers them all.
  const demoTls =
    topology.tls || topology.mqttTls ? ensureDemoTls(process.env.BSM_TLS_DIR ?? join(dataDir, 'tls')) : null;
  const tls = topology.tls ? demoTls : null;
  const mqttCa = topology.mqttTls ? demoTls : null;
  const ca = tls ? readFileSync(tls.caCertFile) : null;
  const processes = new Map<string, ManagedProcess>();
  const readyUrls = new Map<string, string>();
  const stopAll = async (): Promise<void> => {
    // Branches first, then centers bottom-up, so nobody logs a storm of lost connections.
    const close = (id: string): Promise<void> => processes.get(id)?.close() ?? Promise.resolve();
    await Promise.all(topology.branches.map((b) => close(b.id)));
    await close(CAMERA_FARM);
    for (const c of centersTopDown(topology).reverse()) {
      await close(c.id);
    }
    await postgres.stop();
  };

  try {
    const secretIds = [
      ...topology.centers.filter((c) => c.parent).map((c) => c.id),
      ...topology.branches.map((b) => b.id),
    ];
    const secrets = await loadOrCreateSecrets(join(dataDir, 'secrets.json'), secretIds);
    const centers = new Map<string, CenterEndpoint>();
    const branches = new Map<string, { agentUrl: string; center: string; configFile: string }>();

    for (const c of topology.centers) {
      const dir = centerDir(dataDir, c.id);
      mkdirSync(dir, { recursive: true });
      const db = databaseName(c.id);
      await postgres.ensureDatabase(db);
      const children = [
        ...topology.centers.filter((x) => x.parent === c.id).map((x) => x.id),
        ...topology.branches.filter((b) => b.center === c.id).map((b) => b.id),
      ];
      const credentialsFile = join(dir, 'node-credentials');
      const secretKeyFile = ensureSecretKey(join(dir, 'secret.key'));
      writeFileSync(
        credentialsFile,
        `# nodes allowed to connect to ${c.id}: <nodeId>:<argon2 hash>\n${children.map((id) => `${id}:${secrets.get(id)?.hash ?? ''}`).join('\n')}\n`,
        { mode: 0o600 },
      );
      const configFile = join(dir, 'center.yaml');
      const backups = topology.backups.enabled ? backupDir(dataDir, c.id) : null;
      if (backups) {
        mkdirSync(backups, { recursive: true, mode: 0o700 });
      }
      const cfg = centerConfig(topology, c, {
        backupDir: backups,
        databaseUrl: postgres.urlFor(db),
        credentialsFile,
        parentSecret: c.parent ? (secrets.get(c.id)?.secret ?? null) : null,
        webDist: opts.serveWeb === false ? null : WEB_DIST,
        tls: tls ? { certFile: tls.certFile, keyFile: tls.keyFile } : null,
        mqttCa,
        secretKeyFile,
      });
      writeFileSync(configFile, stringify(cfg), { mode: 0o600 });
      const url = `${tls ? 'https' : 'http'}://127.0.0.1:${c.httpPort}`;
      centers.set(c.id, {
        id: c.id,
        name: c.name,
        tier: c.tier,
        url,
        mqttUrl: `${mqttCa ? 'mqtts' : 'mqtt'}://127.0.0.1:${c.mqttPort}`,
        databaseUrl: postgres.urlFor(db),
      });
      readyUrls.set(c.id, `${url}/api/health`);
      processes.set(
        c.id,
        new ManagedProcess({
          name: c.id,
          args: ['--import', 'tsx', CENTER_MAIN, '--config', configFile],
          cwd: REPO_ROOT,
          env: { ...opts.env },
          logFile: join(dataDir, 'logs', `${c.id}.log`),
          ...(opts.onLine ? { onLine: opts.onLine } : {}),
          restart: opts.restart ?? true,
        }),
      );
    }

    // The camera farm: every simulated branch's cameras, encoding only what someone pulls.
    const farmCameras = topology.branches.flatMap((b) => branchKit(b).cameras.map((c) => ({ id: c.id, name: c.name })));
    if (farmCameras.length > 0) {
      const farmFile = join(dataDir, 'cameras.json');
      writeFileSync(
        farmFile,
        JSON.stringify(
          { rtspPort: topology.cameras.rtspPort, controlPort: topology.cameras.controlPort, cameras: farmCameras },
          null,
          2,
        ),
      );
      readyUrls.set(CAMERA_FARM, `http://127.0.0.1:${topology.cameras.controlPort}/cameras`);
      processes.set(
        CAMERA_FARM,
        new ManagedProcess({
          name: CAMERA_FARM,
          args: ['--import', 'tsx', CAMERA_FARM_MAIN, '--config', farmFile],
          cwd: REPO_ROOT,
          env: { ...opts.env },
          logFile: join(dataDir, 'logs', `${CAMERA_FARM}.log`),
          ...(opts.onLine ? { onLine: opts.onLine } : {}),
          restart: opts.restart ?? true,
        }),
      );
    }

    for (const b of topology.branches) {
      const dir = agentDir(dataDir, b.id);
      mkdirSync(dir, { recursive: true });
      const configFile = join(dir, 'agent.yaml');
      writeFileSync(
        configFile,
        stringify(
          agentConfig(topology, b, {
            dataDir: join(dir, 'data'),
            secret: secrets.get(b.id)?.secret ?? '',
            mqttCaFile: mqttCa?.caCertFile ?? null,
          }),
        ),
        { mode: 0o600 },
      );
      const agentUrl = `http://127.0.0.1:${b.agentPort}`;
      branches.set(b.id, { agentUrl, center: b.center, configFile });
      readyUrls.set(b.id, `${agentUrl}/status`);
      processes.set(
        b.id,
        new ManagedProcess({
          name: b.id,
          args: ['--import', 'tsx', AGENT_MAIN, '--config', configFile],
          cwd: REPO_ROOT,
          env: { ...opts.env },
          logFile: join(dataDir, 'logs', `${b.id}.log`),
          ...(opts.onLine ? { onLine: opts.onLine } : {}),
          restart: opts.restart ?? true,
        }),
      );
    }

    const networkFile: NetworkFile = {
      name: topology.name,
      caCertFile: tls?.caCertFile ?? null,
      centers: Object.fromEntries([...centers.values()].map((c) => [c.id, { url: c.url, name: c.name, tier: c.tier }])),
      branches: Object.fromEntries(
        topology.branches.map((b) => [
          b.id,
          { agentUrl: `http://127.0.0.1:${b.agentPort}`, name: b.name, center: b.center },
        ]),
      ),
      users: topology.centers.flatMap((c) =>
        demoUsers(c, topology.demoPassword).map((u) => ({ username: u.username, role: u.role, center: c.id })),
      ),
    };
    writeFileSync(join(dataDir, 'network.json'), JSON.stringify(networkFile, null, 2));

    const timeout = opts.readyTimeoutMs ?? 90_000;
    const waitReady = (id: string): Promise<void> => waitForUrl(readyUrls.get(id) ?? '', timeout, id, ca);

    status(`starting ${topology.centers.length} centers`);
    for (const c of centersTopDown(topology)) {
      processes.get(c.id)?.start();
    }
    await Promise.all(topology.centers.map((c) => waitReady(c.id)));
    if (opts.startBranches !== false) {
      if (processes.has(CAMERA_FARM)) {
        status(`starting ${farmCameras.length} simulated cameras`);
        processes.get(CAMERA_FARM)?.start();
        await waitReady(CAMERA_FARM);
      }
      status(`starting ${topology.branches.length} branch agents`);
      for (const b of topology.branches) {
        processes.get(b.id)?.start();
      }
      await Promise.all(topology.branches.map((b) => waitReady(b.id)));
    }

    return {
      topology,
      dataDir,
      caCertFile: tls?.caCertFile ?? null,
      centers,
      branches,
      processes,
      postgres,
      async stopNode(id, how = 'graceful') {
        const p = processes.get(id);
        if (!p) {
          throw new Error(`no process ${id}`);
        }
        await (how === 'kill' ? p.stop(0, 'SIGKILL') : p.stop());
      },
      async startNode(id) {
        const p = processes.get(id);
        if (!p) {
          throw new Error(`no process ${id}`);
        }
        p.start();
        await waitReady(id);
      },
      waitReady,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
