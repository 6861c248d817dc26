import {
  ALL_UP,
  downTopic,
  DOWN_DELIVERY,
  encode,
  parseTopic,
  type DownKind,
  type DownMessage,
  type UpKind,
} from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import mqtt, { type MqttClient } from 'mqtt';
import { disableNagle } from '@bsm/runtime';

export type UpHandler = (publisher: string, kind: UpKind, payload: Buffer) => void;

/**
 * The center's own connection to the broker of its jurisdiction (embedded
 * aedes or an external Mosquitto/EMQX): it reads everything nodes send up and
 * writes acks and commands down.
 */
export class CenterBus {
  private client: MqttClient | null = null;
  private handler: UpHandler = () => undefined;
  private unknownHandler: (topic: string) => void = () => undefined;

  constructor(
    private readonly opts: {
      url: string;
      username: string;
      password: string;
      protocolVersion: 4 | 5;
      clientId: string;
      /** The CA of an mqtts:// broker on a private PKI. */
      ca?: Buffer;
    },
    private readonly log: Logger,
  ) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** A message under `up/` of a kind this center does not know: the ingest counts it. */
  onUnknown(handler: (topic: string) => void): void {
    this.unknownHandler = handler;
  }

  onUp(handler: UpHandler): void {
    this.handler = handler;
  }

  async start(): Promise<void> {
    const client = mqtt.connect(this.opts.url, {
      clientId: this.opts.clientId,
      username: this.opts.username,
      password: this.opts.password,
      protocolVersion: this.opts.protocolVersion,
      // A persistent session keeps QoS 1 alarms queued at the broker across a center restart.
      clean: false,
      reconnectPeriod: 1000,
      keepalive: 15,
      ...(this.opts.ca ? { ca: this.opts.ca } : {}),
    });
    this.client = client;
    disableNagle(client);
    client.on('message', (topic, payload) => {
      const parsed = parseTopic(topic);
      if (parsed?.direction !== 'up') {
        this.log.warn({ topic }, 'ignored message on a foreign topic');
        this.unknownHandler(topic);
        return;
      }
      this.handler(parsed.nodeId, parsed.kind, payload);
    });
    client.on('error', (err) => this.log.warn({ err: err.message }, 'broker connection error'));
    client.on('offline', () => this.log.warn('broker connection lost; reconnecting'));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      client.once('error', onError);
      client.once('connect', () => {
        client.off('error', onError);
        resolve();
      });
    });
    await client.subscribeAsync(ALL_UP, { qos: 1 });
    client.on('connect', (ack) => {
      this.log.info({ sessionPresent: ack.sessionPresent }, 'broker connection restored');
      if (!ack.sessionPresent) {
        void client
          .subscribeAsync(ALL_UP, { qos: 1 })
          .catch((err: unknown) => this.log.error({ err }, 'resubscribe failed'));
      }
    });
    this.log.info({ url: this.opts.url }, 'connected to broker');
  }

  publishDown<K extends DownKind>(nodeId: string, kind: K, message: DownMessage<K>): void {
    const { qos, retain } = DOWN_DELIVERY[kind];
    this.client?.publish(downTopic(nodeId, kind), Buffer.from(encode(message)), { qos, retain });
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
  }
}
