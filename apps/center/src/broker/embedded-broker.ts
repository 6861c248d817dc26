import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { MAX_MQTT_PACKET_BYTES } from '@bsm/protocol';
import { verifySecret, type Logger } from '@bsm/runtime';
import { Aedes } from 'aedes';
import { CENTER_ACCOUNT, mayPublish, maySubscribe } from './acl.js';
import { readSettingFile } from '../setting-file.js';
import { readCredentialsFile } from './credentials.js';
import { guardPacketSize } from './packet-size-guard.js';

export interface EmbeddedBroker {
  port: number;
  /**
   * Where this center's own bus connects: the nodes' port, or, when that speaks TLS with a certificate
   * for the center's public name, a plain listener on loopback only (port 0) for the center's account.
   */
  localUrl: string;
  /** Password of the center's own account, made fresh at every start and never written anywhere. */
  centerPassword: string;
  reloadCredentials(): void;
  close(): Promise<void>;
}

/**
 * aedes in this process, for a center that runs without Mosquitto/EMQX.
 * Every node logs in with its own credentials and may only publish under its
 * own topics and read its own commands (the same rules as the Mosquitto ACL
 * in `config/mosquitto/`).
 */
export async function startEmbeddedBroker(opts: {
  host: string;
  port: number;
  credentialsFile: string;
  /** MQTT over TLS (mqtts://) for the nodes, with this certificate (PEM, chain included) and key. */
  tls?: { certFile: string; keyFile: string } | undefined;
  logger: Logger;
  /** A node published where its ACL does not let it (counted in /api/health). */
  onPublishRefused?: (user: string, topic: string) => void;
  /** A client sent a packet over MAX_MQTT_PACKET_BYTES and was disconnected (counted in /api/health). */
  onPacketTooLarge?: (user: string, bytes: number) => void;
}): Promise<EmbeddedBroker> {
  const log = opts.logger.child({ part: 'broker' });
  const centerPassword = randomBytes(24).toString('base64url');
  let credentials = readCredentialsFile(opts.credentialsFile);
  // argon2 costs ~20 ms; a reconnect storm of a whole city would queue on it, so remember
  // which (user, password) pairs were verified until the credentials file changes.
  let verified = new Set<string>();
  const fingerprint = (u: string, p: string): string => createHash('sha256').update(`${u}\0${p}`).digest('hex');

  const broker = await Aedes.createBroker({
    // A node that reconnects takes over its old session rather than being refused.
    concurrency: 1000,
  });

  broker.authenticate = (client, username, password, done) => {
    const user = username ?? '';
    const secret = password?.toString('utf8') ?? '';
    const refuse = (why: string): void => {
      log.warn({ clientId: client?.id, username: user, why }, 'MQTT login refused');
      const err = Object.assign(new Error(why), { returnCode: 4 });
      done(err, false);
    };
    if (user === CENTER_ACCOUNT) {
      if (secret === centerPassword) {
        done(null, true);
      } else {
        refuse('bad center credentials');
      }
      return;
    }
    const hashed = credentials.get(user);
    if (!hashed) {
      refuse('unknown node');
      return;
    }
    const key = fingerprint(user, secret);
    if (verified.has(key)) {
      done(null, true);
      return;
    }
    void verifySecret(hashed, secret).then((ok) => {
      if (ok) {
        verified.add(key);
        done(null, true);
      } else {
        refuse('bad password');
      }
    });
  };

  broker.authorizePublish = (client, packet, done) => {
    const user = (client as unknown as { bsmUser?: string } | null)?.bsmUser ?? '';
    if (client && mayPublish(user, packet.topic)) {
      done(null);
      return;
    }
    log.warn({ clientId: client?.id, user, topic: packet.topic }, 'publish refused by ACL');
    opts.onPublishRefused?.(user, packet.topic);
    if (!client) {
      done(new Error(`not allowed to publish to ${packet.topic}`));
      return;
    }
    // MQTT 3.1.1 (3.3.5-2) lets a broker either acknowledge a refused publish and drop it, or close the
    // connection. Closing makes a QoS 1 sender resend it after every reconnect, and whatever it queued behind
    // that message never gets through; so acknowledge it and deliver it nowhere: no subscription matches a
    // \`$\` topic through a wildcard.
    packet.topic = `$refused/${user || 'unknown'}`;
    done(null);
  };

  broker.authorizeSubscribe = (client, sub, done) => {
    const user = (client as unknown as { bsmUser?: string } | null)?.bsmUser ?? '';
    if (client && maySubscribe(user, sub.topic)) {
      done(null, sub);
    } else {
      log.warn({ clientId: client?.id, user, filter: sub.topic }, 'subscribe refused by ACL');
      // A failure return code (0x80) in the SUBACK, as MQTT means it; the node keeps its connection.
      done(null, null);
    }
  };

  // aedes keeps the username only for the authenticate call; remember it on the client.
  const originalAuth = broker.authenticate;
  broker.authenticate = (client, username, password, done) => {
    originalAuth(client, username, password, (err, ok) => {
      if (!err && ok) {
        (client as unknown as { bsmUser?: string }).bsmUser = username ?? '';
      }
      done(err, ok);
    });
  };

  broker.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'client error'));
  broker.on('connectionError', (client, err) =>
    log.debug({ clientId: client.id, err: err.message }, 'connection error'),
  );

  const handle = (socket: Socket): void => {
    socket.setNoDelay(true); // see no-delay.ts: acks and alarms must not wait for delayed ACKs
    const guarded = guardPacketSize(socket, MAX_MQTT_PACKET_BYTES, (bytes, conn) => {
      const client = (conn as unknown as { client?: { id?: string; bsmUser?: string } }).client;
      const user = client?.bsmUser ?? '';
      log.warn(
        { clientId: client?.id, user, bytes, limit: MAX_MQTT_PACKET_BYTES },
        'MQTT packet too large; disconnected',
      );
      opts.onPacketTooLarge?.(user || 'unknown', bytes);
    });
    broker.handle(guarded);
  };
  const listen = async (server: Server, port: number, host: string): Promise<number> => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  };
  const servers: Server[] = [];
  const tls = opts.tls;
  const server: Server = tls
    ? createTlsServer(
        {
          cert: readSettingFile(tls.certFile, 'broker.embedded.tls.certFile'),
          key: readSettingFile(tls.keyFile, 'broker.embedded.tls.keyFile'),
        },
        handle,
      )
    : createServer(handle);
  if (tls) {
    // A handshake that fails (a plain MQTT client, a certificate it does not trust) ends that socket only.
    server.on('tlsClientError', (err: Error) => log.warn({ err: err.message }, 'MQTT TLS handshake failed'));
  }
  servers.push(server);
  const port = await listen(server, opts.port, opts.host);
  let localUrl = `mqtt://127.0.0.1:${port}`;
  if (tls) {
    // The certificate names the center as its nodes reach it, not 127.0.0.1: the center's own bus uses a
    // loopback listener that only its account (a password made at this start) can log in to.
    const local = createServer(handle);
    servers.push(local);
    localUrl = `mqtt://127.0.0.1:${await listen(local, 0, '127.0.0.1')}`;
  }
  log.info(
    { host: opts.host, port, tls: tls !== undefined, nodes: credentials.size },
    'embedded MQTT broker listening',
  );

  return {
    port,
    localUrl,
    centerPassword,
    reloadCredentials() {
      credentials = readCredentialsFile(opts.credentialsFile);
      verified = new Set();
      log.info({ nodes: credentials.size }, 'node credentials reloaded');
    },
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
