import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  CommandArgs,
  DEFAULT_PROCEDURES,
  type CenterInfo,
  type Command,
  type CommandReply,
  type HealthResponse,
  type NodeEntry,
} from '@bsm/protocol';
import { HttpError } from './api/http-errors.js';
import { CenterPresence } from './backup/presence.js';
import { backupAuditEntry, BackupScheduler, DISABLED_BACKUP_HEALTH } from './backup/scheduler.js';
import type { Logger } from '@bsm/runtime';
import { createApi } from './api/server.js';
import { AuthService } from './auth/auth.service.js';
import { IpRules } from './auth/ip-rules.js';
import { loadOrCreateSigningKey } from './auth/signing-keys.js';
import { SecretBox } from './auth/secret-box.js';
import { SingleSignOn } from './auth/sso.service.js';
import { CenterBus } from './broker/bus.js';
import { CENTER_ACCOUNT } from './broker/acl.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker/embedded-broker.js';
import type { CenterConfig } from './config.js';
import { readSettingFile } from './setting-file.js';
import { createDb, migrateToLatest } from './db/database.js';
import { AlarmEventRepository } from './repositories/alarm-event.repository.js';
import { AlarmRepository, freshHandling } from './repositories/alarm.repository.js';
import { AuditRepository } from './repositories/audit.repository.js';
import { AuditCopyRepository } from './repositories/audit-copy.repository.js';
import { auditedAction } from './audit/audited.js';
import { AuditCopies } from './audit/audit-copies.js';
import { AuditService } from './audit/audit-service.js';
import { AuditUplink } from './audit/audit-uplink.js';
import { NodeRepository } from './repositories/node.repository.js';
import { UserRepository } from './repositories/user.repository.js';
import { AlarmHandling } from './services/alarm-handling.js';
import { AlarmIntake } from './services/alarm-intake.js';
import { BranchPanel } from './services/branch-panel.js';
import { CommandError, CommandRouter } from './services/command-router.js';
import { Ingest } from './services/ingest.js';
import { NodeIndex } from './services/node-index.js';
import { OfflineWatch } from './services/offline-watch.js';
import { ParentUplink } from './services/parent-uplink.js';
import { LiveVideo } from './services/live-video.js';
import { Realtime } from './services/realtime.js';
import { UserAdmin } from './services/user-admin.js';

export const SOFTWARE = { name: 'bsm-center', version: '0.1.0' };

export interface CenterHandle {
  httpUrl: string;
  brokerUrl: string;
  /** Ports of the media server (RTMP in, HTTP-FLV out), or null without live video. */
  media: { rtmp: number; http: number } | null;
  info: CenterInfo;
  /** Waits until every alarm received so far is stored (tests and benchmarks). */
  settled(): Promise<void>;
  reloadCredentials(): void;
  close(): Promise<void>;
}

/**
 * Wires one center: database, broker endpoint, ingest, the uplink to its
 * parent, the API and live push. Returns once it accepts connections.
 */
export interface StartOptions {
  /** Delay of the first backup after start when one is due (60 s; tests shorten it). */
  backupStartDelayMs?: number;
}

export async function startCenter(config: CenterConfig, log: Logger, opts: StartOptions = {}): Promise<CenterHandle> {
  const started = Date.now();
  const info: CenterInfo = { id: config.node.id, name: config.node.name, tier: config.node.tier };
  const closers: (() => Promise<void> | void)[] = [];
  const close = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) {
      try {
        await c();
      } catch (error) {
        log.error({ err: error }, 'error while closing');
      }
    }
  };

  try {
    const db = createDb(config.database.url, config.database.poolSize);
    closers.push(() => db.destroy());
    const applied = await migrateToLatest(db);
    if (applied.length > 0) {
      log.info({ migrations: applied }, 'database migrated');
    }
    // One connection held for the center's lifetime, so a restore sees this center even when the pool is idle.
    const presence = new CenterPresence(config.database.url, config.node.id, log.child({ part: 'presence' }));
    await presence.start();
    closers.push(() => presence.close());
    const nodes = new NodeRepository(db);
    const alarms = new AlarmRepository(db, {
      procedureOf: (type) => config.alarms.procedures[type] ?? DEFAULT_PROCEDURES[type],
      opensVideo: (type) => config.alarms.openVideoTypes.includes(type),
    });
    const alarmEvents = new AlarmEventRepository(db);
    const users = new UserRepository(
      db,
      config.auth.secretKeyFile ? SecretBox.fromFile(config.auth.secretKeyFile) : null,
    );
    const sealedNow = await users.sealSecrets();
    if (sealedNow > 0) {
      log.info({ users: sealedNow }, 'authenticator secrets stored before auth.secretKeyFile sealed');
    }
    const audit = new AuditRepository(db, config.node.id, log.child({ part: 'audit' }));
    const auditCopies = new AuditCopyRepository(db);
    // Entries still queued (a viewer cut at shutdown) are written before the database closes.
    closers.push(() => audit.idle());
    const self: NodeEntry = {
      id: config.node.id,
      parentId: null,
      kind: 'center',
      tier: config.node.tier,
      name: config.node.name,
      lat: config.node.lat,
      lon: config.node.lon,
      ...(config.node.address ? { address: config.node.address } : {}),
      importance: config.node.importance,
    };
    await nodes.upsertSelf(self);
    const index = new NodeIndex(nodes);
    await index.reload();

    const auth = new AuthService({
      users,
      audit,
      log,
      center: info,
      idleMinutes: config.auth.sessionIdleMinutes,
      maxFailedLogins: config.auth.maxFailedLogins,
      lockMinutes: config.auth.lockMinutes,
    });
    for (const u of config.seedUsers) {
      if (await auth.seedUser({ ...u, jurisdiction: u.jurisdiction ?? config.node.id })) {
        log.info({ username: u.username, role: u.role }, 'seed user created');
      }
    }

    // The broker starts before the ingest that counts what it refuses: bound once the ingest exists.
    let publishRefused: (user: string, topic: string) => void = () => undefined;
    let packetTooLarge: (user: string, bytes: number) => void = () => undefined;
    // Broker endpoint for the nodes below.
    let embedded: EmbeddedBroker | null = null;
    let busOptions: ConstructorParameters<typeof CenterBus>[0];
    if (config.broker.embedded) {
      embedded = await startEmbeddedBroker({
        ...config.broker.embedded,
        logger: log,
        onPublishRefused: (user, topic) => publishRefused(user, topic),
        onPacketTooLarge: (user, bytes) => packetTooLarge(user, bytes),
      });
      closers.push(() => embedded?.close());
      busOptions = {
        url: embedded.localUrl,
        username: CENTER_ACCOUNT,
        password: embedded.centerPassword,
        protocolVersion: 4,
        clientId: `bsm-center-bus-${config.node.id}`,
      };
    } else {
      const ext = config.broker.external!;
      busOptions = {
        url: ext.url,
        username: ext.username,
        password: ext.password,
        protocolVersion: ext.protocolVersion,
        clientId: `bsm-center-bus-${config.node.id}`,
        ...(ext.caFile ? { ca: readSettingFile(ext.caFile, 'broker.external.caFile') } : {}),
      };
    }
    const bus = new CenterBus(busOptions, log.child({ part: 'bus' }));

    const uplink = config.parent
      ? new ParentUplink(
          {
            selfId: config.node.id,
            tier: config.node.tier,
            url: config.parent.url,
            username: config.parent.username ?? config.node.id,
            password: config.parent.password,
            protocolVersion: config.parent.protocolVersion,
            keepaliveSec: config.parent.keepaliveSec,
            ...(config.parent.caFile ? { ca: readSettingFile(config.parent.caFile, 'parent.caFile') } : {}),
            software: SOFTWARE,
          },
          nodes,
          alarms,
          log.child({ part: 'uplink' }),
        )
      : null;

    // The audit chain and the copies held here go up to the parent, each from where it last acknowledged.
    const auditUplink = uplink
      ? new AuditUplink({
          selfId: config.node.id,
          chain: (source, after, limit) => audit.chain(source, after, limit),
          copiedSources: async () => (await auditCopies.heads()).map((h) => h.source),
          cursor: (source) => auditCopies.cursor(source),
          advance: (source, upTo) => auditCopies.advanceCursor(source, upTo),
          send: (batch) => uplink.publishAudit(batch),
          log: log.child({ part: 'audit-up' }),
        })
      : null;
    audit.onAppended(() => auditUplink?.wake(config.node.id));
    closers.push(() => auditUplink?.close());
    const copies = new AuditCopies({
      selfId: config.node.id,
      repo: auditCopies,
      routeTo: (id) => index.routeTo(id),
      kindOf: (id) => index.get(id)?.kind,
      ack: (child, ack) => bus.publishDown(child, 'audit-ack', ack),
      copied: (source) => auditUplink?.wake(source),
      log: log.child({ part: 'audit-copies' }),
    });
    const auditService = new AuditService({
      selfId: config.node.id,
      selfName: config.node.name,
      own: audit,
      copies: auditCopies,
      isWithin: (id, root) => index.isWithin(id, root),
      nameOf: (id) => index.nameOf(id),
      log: log.child({ part: 'audit' }),
    });

    // socket.io takes over the server's request listeners present when it attaches, keeping
    // /socket.io/ to itself; so the API's listener must exist first (it is filled in below).
    let api: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
    const listener = (req: IncomingMessage, res: ServerResponse): void => {
      if (api) {
        api(req, res);
      } else {
        res.writeHead(503).end();
      }
    };
    const tls = config.http.tls;
    // HTTPS and WSS (S9) when a certificate is configured: the console, the API and the socket share it.
    const http = tls
      ? createTlsServer(
          {
            cert: readSettingFile(tls.certFile, 'http.tls.certFile'),
            key: readSettingFile(tls.keyFile, 'http.tls.keyFile'),
          },
          listener,
        )
      : createServer(listener);
    const realtime = new Realtime(http, { auth, index, log, ipRules: new IpRules(config.security), center: info });
    const sso = new SingleSignOn({
      db,
      users,
      audit,
      index,
      log: log.child({ part: 'sso' }),
      center: info,
      key: await loadOrCreateSigningKey(db),
      idleMinutes: config.auth.sessionIdleMinutes,
      childCenters: () => index.childCenters(config.node.id),
      sendDown: (child, kind, message) => bus.publishDown(child, kind, message),
      sessionsEnded: (hashes) => {
        for (const hash of hashes) {
          realtime.endSession(hash, 'ended');
        }
      },
    });
    await sso.start();

    const handling = new AlarmHandling({
      selfId: config.node.id,
      parentId: config.parent?.id ?? null,
      config: config.alarms,
      alarms,
      events: alarmEvents,
      index,
      log: log.child({ part: 'handling' }),
      audit,
      alarmUpdated: (view) => realtime.alarmUpdated(view),
      sendUp: (batch) => uplink?.publishEvents(batch) ?? false,
      sendDown: (child, batch) => {
        bus.publishDown(child, 'event', batch);
        return true;
      },
      ackChild: (child, upTo) => bus.publishDown(child, 'ack', { ids: [], refused: [], eventsUpTo: upTo }),
      ackParent: (upTo) => uplink?.publishEventAck(upTo),
      ptzPreset: (cameraId, preset, alarmId) =>
        auditedAction(
          audit,
          log,
          { actor: null, action: 'ptz.preset', target: cameraId, detail: { op: 'goto', preset, linkage: alarmId } },
          async () => {
            const camera = await nodes.cameraById(cameraId);
            if (!camera) {
              throw new Error(`linkage names an unknown camera ${cameraId}`);
            }
            const reply = await router.send(
              camera.nodeId,
              'ptz.preset',
              { cameraId, op: 'goto', preset },
              { issuedBy: `linkage:${alarmId}`, timeoutMs: 10_000 },
            );
            if (!reply.ok) {
              throw new Error(reply.error?.message ?? 'the camera did not move');
            }
          },
        ),
    });
    closers.push(() => handling.close());

    const intake = new AlarmIntake({
      repo: alarms,
      log: log.child({ part: 'alarms' }),
      hasParent: uplink !== null,
      sendAck: (publisher, ack) => bus.publishDown(publisher, 'ack', ack),
      policy: (alarm, receivedAt, receivedVia) => handling.policy(alarm, receivedAt, receivedVia),
      onStored: (stored) => {
        for (const s of stored) {
          if (s.alarm.signal === 'restore') {
            continue;
          }
          realtime.alarmNew(
            {
              ...s.alarm,
              receivedAt: s.receivedAt.toISOString(),
              originName: index.nameOf(s.alarm.origin),
              ...freshHandling(s.alarm, s, alarms.rules),
            },
            s.receivedVia,
          );
        }
        handling.onStored(stored).catch((error: unknown) => log.error({ err: error }, 'alarm handling failed'));
        uplink?.forward(stored.map((s) => ({ position: s.outboxPosition, alarm: s.alarm })));
      },
    });

    const router = new CommandRouter(config.node.id, {
      bus,
      index,
      log,
      replyUp: (reply) => uplink?.reply(reply),
      local: async (command: Command): Promise<Record<string, unknown>> => {
        switch (command.name) {
          case 'ping':
            return { at: new Date().toISOString() };
          case 'catalog.resync':
            await uplink?.publishFullCatalog();
            return {};
          case 'media.play': {
            if (!live) {
              throw new CommandError('video_disabled', `${config.node.id} runs without live video`);
            }
            const args = CommandArgs['media.play'].parse(command.args);
            try {
              return { ...(await live.playForParent(args)) };
            } catch (error) {
              // The parent maps the code back to what its officer sees (link_full, camera_offline, …).
              throw error instanceof HttpError ? CommandError.from(error) : error;
            }
          }
          default:
            throw new CommandError('unsupported_command', `a center does not handle ${command.name}`);
        }
      },
    });
    closers.push(() => router.close());

    const live: LiveVideo | null = config.media.enabled
      ? await LiveVideo.start({
          config,
          nodes,
          index,
          log,
          audit,
          send: (target, name, args, issuedBy): Promise<CommandReply> =>
            router.send(target, name, args, { issuedBy, timeoutMs: 10_000 }),
        })
      : null;
    if (live) {
      closers.push(() => live.close());
    }

    const offlineWatch = new OfflineWatch({
      selfId: config.node.id,
      alarms,
      index,
      log: log.child({ part: 'offline-watch' }),
      submit: (alarm) => intake.submit(alarm, config.node.id),
      restored: (subject) => handling.restoredAbout(subject),
    });
    closers.push(() => offlineWatch.close());

    const ingest = new Ingest(config.node.id, {
      bus,
      nodes,
      index,
      intake,
      log,
      events: {
        statesChanged: (states) => {
          realtime.nodeStates(states);
          uplink?.publishStates(states);
          offlineWatch.statesChanged(states);
        },
        catalogChanged: (publisher, revision, change) => {
          realtime.catalogChanged(publisher, revision);
          uplink?.publishCatalogChange(change);
        },
        reply: (reply) => router.handleReply(reply),
        alarmEvents: (publisher, batch) => handling.fromChild(publisher, batch),
        alarmEventsAcked: (publisher, upTo) => handling.childAcked(publisher, upTo),
        nodeOnline: (publisher, kind) => {
          handling.childConnected(publisher);
          // By what the node says it is: its catalog may not have arrived yet.
          if (kind === 'center') {
            sso.sendTrust(publisher).catch((error: unknown) => log.error({ err: error }, 'trust to a child failed'));
          }
        },
        auditRefusal: (publisher, source) => copies.refusal(publisher, source),
        auditEntries: (publisher, batch) => copies.receive(publisher, batch),
      },
    });
    bus.onUp((publisher, kind, payload) => ingest.handle(publisher, kind, payload));
    bus.onUnknown((topic) => ingest.refuseTopic(topic));
    publishRefused = (user, topic) => ingest.refuseAcl(user, topic);
    packetTooLarge = (user, bytes) => ingest.refusePacket(user, bytes);
    await bus.start();
    closers.push(() => bus.stop());
    closers.push(() => intake.idle());

    await handling.start();
    if (uplink) {
      uplink.onCommand((command) => router.handleFromParent(command));
      uplink.onEvents((batch) => {
        handling
          .fromParent(batch)
          .catch((error: unknown) => log.error({ err: error }, 'events from the parent failed'));
      });
      uplink.onEventsAcked((upTo) => handling.parentAcked(upTo));
      uplink.onConnected(() => handling.parentConnected());
      uplink.onTrust((message) => {
        sso
          .trustFromParent(message)
          .catch((error: unknown) => log.error({ err: error }, 'trust from the parent failed'));
      });
      uplink.onRevoke((message) => {
        sso.revokeFromParent(message).catch((error: unknown) => log.error({ err: error }, 'revocation failed'));
      });
      uplink.onConnected(() => auditUplink?.reconnected());
      uplink.onAuditAcked((ack) => auditUplink?.acked(ack.source, ack.upTo));
    }

    // Backups run on their own connection and schedule; a failing one is logged and reported, never fatal.
    let backups: BackupScheduler | null = null;
    if (config.backup?.enabled) {
      backups = new BackupScheduler(
        { centerId: config.node.id, databaseUrl: config.database.url, config: config.backup },
        log.child({ part: 'backup' }),
        {
          ...(opts.backupStartDelayMs === undefined ? {} : { startDelayMs: opts.backupStartDelayMs }),
          // An important system event (SPEC S8): each backup, good or failed, in the audit trail.
          onResult: async (outcome) => {
            await audit.append(backupAuditEntry(outcome));
          },
        },
      );
    } else {
      log.warn(
        { configured: config.backup !== undefined },
        'scheduled backups are off: set backup.dir (a second disk or server) so a disaster loses nothing (SPEC S8)',
      );
    }

    const health = async (): Promise<HealthResponse> => {
      let database = true;
      try {
        await alarms.countPendingForParent();
      } catch {
        database = false;
      }
      return {
        ok: database && bus.connected,
        center: info,
        uptimeSec: Math.round((Date.now() - started) / 1000),
        database,
        broker: bus.connected,
        parent: uplink
          ? { connected: uplink.connected, outboxPending: database ? await alarms.countPendingForParent() : -1 }
          : null,
        messages: {
          received: ingest.stats.received,
          refused: { ...ingest.stats.refused },
          flagged: { ...ingest.stats.flagged },
        },
        backup: backups?.status() ?? DISABLED_BACKUP_HEALTH,
        audit: database
          ? await auditService.health(uplink !== null)
          : { lastSeq: 0, pendingUp: uplink ? -1 : null, breaks: 0 },
      };
    };

    const branchPanel = new BranchPanel({
      nodes,
      alarms,
      index,
      log: log.child({ part: 'branch-panel' }),
      audit,
      send: (target, name, args, issuedBy) => router.send(target, name, args, { issuedBy, timeoutMs: 10_000 }),
    });
    api = createApi({
      config,
      auth,
      nodes,
      alarms,
      handling,
      branchPanel,
      index,
      log,
      health,
      audit: auditService,
      live,
      onLogout: (session) => sso.sessionsEnded([session.tokenHash]),
      sso,
      auditLog: audit,
      userAdmin: new UserAdmin({
        users,
        audit,
        index,
        log: log.child({ part: 'users' }),
        sessionsRevoked: (hashes) => sso.sessionsEnded(hashes),
      }),
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(config.http.port, config.http.host, () => resolve());
    });
    closers.push(() => new Promise<void>((resolve) => http.close(() => resolve())));
    closers.push(() => realtime.close());
    http.closeIdleConnections();
    const port = (http.address() as AddressInfo).port;
    const httpUrl = config.http.publicUrl ?? `${tls ? 'https' : 'http'}://${config.http.host}:${port}`;
    // The console's address goes up with this center's catalog, for single sign-on from the centers above.
    await nodes.upsertSelf({ ...self, consoleUrl: httpUrl });
    if (uplink) {
      await auditUplink?.start();
      uplink.start();
      closers.push(() => uplink.stop());
    }
    const brokerUrl = busOptions.url;
    log.info({ httpUrl, brokerUrl, tier: config.node.tier, parent: config.parent?.url ?? null }, 'center ready');
    if (backups) {
      const scheduler = backups;
      await scheduler.start();
      // Registered last, so it closes first: a backup in progress is aborted before the database goes.
      closers.push(() => scheduler.close());
    }

    return {
      httpUrl,
      brokerUrl,
      media: live?.ports ?? null,
      info,
      settled: () => intake.idle(),
      reloadCredentials: () => embedded?.reloadCredentials(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
