import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import {
  decodeUp,
  downTopic,
  encode,
  newCorrelationId,
  parseTopic,
  UP_MESSAGES,
  type Alarm,
  type CommandReply,
  type DownKind,
  type UpKind,
  type UpMessage,
} from '@bsm/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import { waitFor } from '../../../../test/support/wait.js';

export interface TestBroker {
  /** `mqtt://127.0.0.1:PORT`. */
  url: string;
  /** `aedes` started by the test, or the broker named by MQTT_URL (e.g. Mosquitto). */
  kind: 'aedes' | 'external';
  /** MQTT version to speak to it: 4 with aedes, 5 with an external broker. */
  protocolVersion: 4 | 5;
  close(): Promise<void>;
}

/** aedes on a free loopback port, or the broker in MQTT_URL: the same suite runs against both. */
export async function startTestBroker(): Promise<TestBroker> {
  const external = process.env.MQTT_URL;
  if (external) {
    return { url: external, kind: 'external', protocolVersion: 5, close: () => Promise.resolve() };
  }
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  const port = await listen(server, 0);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    kind: 'aedes',
    protocolVersion: 4,
    close: async () => {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * A TCP relay between the agent and the broker that plays the WAN link:
 * `cut()` breaks the live connections (the broker sends the last-will, the
 * agent reconnects), `down()` refuses every connection until `up()`. Works the
 * same with aedes and an external broker we cannot stop.
 */
export class LinkProxy {
  private readonly pairs = new Set<Socket>();
  private refusing = false;
  private readonly server: Server;
  private port = 0;

  private constructor(private readonly target: URL) {
    this.server = createServer((client) => this.relay(client));
  }

  static async start(brokerUrl: string): Promise<LinkProxy> {
    const proxy = new LinkProxy(new URL(brokerUrl));
    proxy.port = await listen(proxy.server, 0);
    return proxy;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Breaks every live connection; new ones are accepted. */
  cut(): void {
    for (const socket of this.pairs) {
      socket.destroy();
    }
  }

  /** Breaks every live connection and refuses new ones until `up()`. */
  down(): void {
    this.refusing = true;
    this.cut();
  }

  up(): void {
    this.refusing = false;
  }

  async close(): Promise<void> {
    this.down();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = tcpConnect(Number(this.target.port || 1883), this.target.hostname);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      this.pairs.add(socket);
      socket.on('error', end);
      socket.on('close', () => {
        this.pairs.delete(socket);
        end();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}

export interface Received<K extends UpKind = UpKind> {
  kind: K;
  retain: boolean;
  value: UpMessage<K>;
}

/**
 * Plays the center for one node: subscribes to everything the node sends up
 * (validating each message against the protocol), acknowledges alarms unless
 * told not to, sends commands and raw payloads down.
 */
export class TestCenter {
  readonly received: Received[] = [];
  /** Up messages that failed validation: any is a bug in the agent. */
  readonly invalid: string[] = [];
  autoAck = true;

  private constructor(
    private readonly client: MqttClient,
    readonly nodeId: string,
  ) {}

  static async connect(broker: TestBroker, nodeId: string, options: { autoAck?: boolean } = {}): Promise<TestCenter> {
    const client = await mqtt.connectAsync(broker.url, {
      clientId: `test-center-${nodeId}-${Math.random().toString(36).slice(2, 8)}`,
      protocolVersion: broker.protocolVersion,
      clean: true,
      reconnectPeriod: 0,
    });
    const center = new TestCenter(client, nodeId);
    center.autoAck = options.autoAck ?? true;
    client.on('message', (topic, payload, packet) => center.onMessage(topic, payload, packet.retain));
    await client.subscribeAsync(`bsm/v1/${nodeId}/up/+`, { qos: 1 });
    return center;
  }

  of<K extends UpKind>(kind: K): Array<UpMessage<K>> {
    return this.received.filter((r): r is Received<K> => r.kind === kind).map((r) => r.value);
  }

  /** Alarms in arrival order, duplicates included. */
  alarms(): Alarm[] {
    return this.of('alarm');
  }

  /** Ids of the alarms received, each once, in order of first arrival. */
  distinctAlarmIds(): string[] {
    return [...new Set(this.alarms().map((a) => a.id))];
  }

  async ack(ids: string[], refused: Array<{ id: string; reason: string }> = []): Promise<void> {
    await this.sendRaw('ack', JSON.stringify({ ids, refused }));
  }

  async sendRaw(kind: DownKind, payload: string): Promise<void> {
    await this.client.publishAsync(downTopic(this.nodeId, kind), payload, { qos: 1 });
  }

  /** Sends a command and waits for its reply. */
  async command(
    name: string,
    args: Record<string, unknown> = {},
    options: { expiresInMs?: number; target?: string } = {},
  ): Promise<CommandReply> {
    const id = newCorrelationId();
    const now = Date.now();
    const command = {
      id,
      name,
      target: options.target ?? this.nodeId,
      args,
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + (options.expiresInMs ?? 30_000)).toISOString(),
      issuedBy: 'test-center',
    };
    await this.client.publishAsync(downTopic(this.nodeId, 'command'), Buffer.from(encode(command)), { qos: 1 });
    return waitFor(`the reply to ${name}`, () => this.of('reply').find((r) => r.correlationId === id));
  }

  /** Removes the node's retained status, so a shared broker is left as it was found. */
  async clearRetained(): Promise<void> {
    await this.client.publishAsync(`bsm/v1/${this.nodeId}/up/status`, '', { qos: 1, retain: true });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }

  private onMessage(topic: string, payload: Buffer, retain: boolean): void {
    const parsed = parseTopic(topic);
    if (!parsed || parsed.direction !== 'up' || !(parsed.kind in UP_MESSAGES)) {
      this.invalid.push(`unexpected topic ${topic}`);
      return;
    }
    if (payload.length === 0) {
      return; // a cleared retained message
    }
    const decoded = decodeUp(parsed.kind, payload);
    if (!decoded.ok) {
      this.invalid.push(`${topic}: ${decoded.reason}`);
      return;
    }
    this.received.push({ kind: parsed.kind, retain, value: decoded.value });
    if (parsed.kind === 'alarm' && this.autoAck) {
      const alarm = decoded.value as Alarm;
      this.ack([alarm.id]).catch(() => undefined);
    }
  }
}
