import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { verifySecret, type Logger } from '@bsm/runtime';
import { Aedes } from 'aedes';
import { CENTER_ACCOUNT, mayPublish, maySubscribe } from './acl.js';
import { readCredentialsFile } from './credentials.js';

export interface EmbeddedBroker {
  port: number;
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
  logger: Logger;
  /** A node published where its ACL does not let it (counted in /api/health). */
  onPublishRefused?: (user: string, topic: string) => void;
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

  const server: Server = createServer((socket) => {
    socket.setNoDelay(true); // see no-delay.ts: acks and alarms must not wait for delayed ACKs
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  log.info({ host: opts.host, port, nodes: credentials.size }, 'embedded MQTT broker listening');

  return {
    port,
    centerPassword,
    reloadCredentials() {
      credentials = readCredentialsFile(opts.credentialsFile);
      verified = new Set();
      log.info({ nodes: credentials.size }, 'node credentials reloaded');
    },
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
