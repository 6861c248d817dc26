import { readFile } from 'node:fs/promises';
import { BlockList, createServer, isIPv4, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Logger } from '@bsm/runtime';
import type { Dc09Config } from './config.js';
import { parseKey } from './crypto.js';
import {
  Dc09Processor,
  type Dc09Account,
  type Dc09Sink,
  type Dc09Stats,
  type InputRef,
  type ProcessorOptions,
} from './processor.js';
import { FrameSplitter } from './splitter.js';
import { LinkSupervisor, type AccountLink } from './supervision.js';

export interface Dc09ReceiverOptions {
  config: Dc09Config;
  /** The branch's alarm inputs, for zone → input. */
  alarmInputs: readonly InputRef[];
  sink: Dc09Sink;
  logger: Logger;
  now?: () => Date;
  pad?: ProcessorOptions['pad'];
}

export interface Dc09Status {
  host: string;
  port: number;
  connections: number;
  stats: Dc09Stats;
  accounts: AccountLink[];
}

/** Frames queued on one socket before it is paused: a flooding sender waits, memory does not grow. */
const HIGH_WATER = 64;
const LOW_WATER = 16;

/**
 * The SIA DC-09 receiver over TCP. Each connection has its own frame splitter and handles its frames one after
 * the other, so replies leave in the order the frames came; connections are independent, so a malformed frame
 * or a reset connection affects nobody else.
 */
export class Dc09Receiver {
  private readonly sockets = new Set<Socket>();
  private readonly chains = new Set<Promise<void>>();
  private closing: Promise<void> | undefined;
  private supervisionTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly server: Server,
    private readonly processor: Dc09Processor,
    private readonly supervisor: LinkSupervisor,
    private readonly allowed: BlockList | undefined,
    private readonly options: Dc09ReceiverOptions,
  ) {}

  /** Reads the accounts' keys, then listens. Rejects (naming the file, never the key) when a key is unusable. */
  static async start(options: Dc09ReceiverOptions): Promise<Dc09Receiver> {
    const { config, logger } = options;
    const accounts = await Promise.all(config.accounts.map((a) => loadAccount(a)));
    const now = options.now ?? (() => new Date());
    const supervisor = new LinkSupervisor(accounts, now().getTime(), {
      onSilent: async (account, silentForSec) => {
        const watched = accounts.find((a) => a.account === account);
        const device = watched?.deviceId === undefined ? '' : ` (${watched.deviceId})`;
        logger.warn({ account, silentForSec }, 'dc09: panel silent');
        await options.sink.raise({
          type: 'device_offline',
          source: 'system',
          text: `DC-09 #${account}${device}: no message from the alarm panel for ${silentForSec} s`,
        });
      },
      onBack: (account) => {
        logger.info({ account }, 'dc09: silent panel heard again');
        const { sink } = options;
        if (sink.restore !== undefined) {
          const signal = { account, type: 'device_offline' as const, code: 'link', label: 'panel heard again' };
          void (async () => sink.restore?.({ ...signal, receivedAt: now().toISOString() }))().catch((error: unknown) =>
            logger.warn({ err: error, account }, 'dc09: restore not passed on'),
          );
        }
      },
    });
    const processor = new Dc09Processor({
      accounts,
      alarmInputs: options.alarmInputs,
      window: config.timestampWindow,
      duplicateWindowMs: config.duplicateWindowSec * 1000,
      sink: options.sink,
      logger,
      now,
      pad: options.pad,
      onSeen: (account, at) => supervisor.seen(account, at.getTime()),
    });
    const allowed = blockListOf(config.allowFrom);
    const server = createServer();
    server.maxConnections = config.maxConnections;
    const receiver = new Dc09Receiver(server, processor, supervisor, allowed, options);
    server.on('connection', (socket) => receiver.onConnection(socket));
    server.on('drop', (data) =>
      logger.warn({ peer: data?.remoteAddress, max: config.maxConnections }, 'dc09: connection refused: too many open'),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port ?? 0, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => logger.error({ err: error }, 'dc09: server error'));
    const period = supervisor.shortestPeriodSec;
    if (period !== undefined) {
      // Ten looks per period: a silent panel is reported at most 10 % late.
      const everyMs = Math.min(60_000, Math.max(1_000, (period * 1000) / 10));
      receiver.supervisionTimer = setInterval(() => supervisor.check(now().getTime()), everyMs);
      receiver.supervisionTimer.unref();
    }
    logger.info(
      { host: config.host, port: receiver.port, accounts: accounts.map((a) => a.account) },
      'dc09: receiver listening',
    );
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  get stats(): Dc09Stats {
    return this.processor.stats;
  }

  status(): Dc09Status {
    return {
      host: this.options.config.host,
      port: this.port,
      connections: this.sockets.size,
      stats: { ...this.processor.stats },
      accounts: this.supervisor.status(),
    };
  }

  /** Stops listening, closes every connection and waits for frames being stored, so none is half-done. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.supervisionTimer);
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const socket of this.sockets) {
        socket.destroy();
      }
      await Promise.allSettled([...this.chains]);
      await closed;
      this.options.logger.info(this.processor.stats, 'dc09: receiver stopped');
    })();
    return this.closing;
  }

  private onConnection(socket: Socket): void {
    const log = this.options.logger;
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    if (this.closing !== undefined || !this.isAllowed(socket.remoteAddress)) {
      if (this.closing === undefined) {
        log.warn({ peer }, 'dc09: connection refused: address not in allowFrom');
      }
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    // Replies are small and the panel waits for each one: Nagle's delay would only slow it down.
    socket.setNoDelay(true);
    // latin1 maps each byte to one character, so a chunk boundary never splits a character and CRCs see bytes.
    socket.setEncoding('latin1');
    socket.setTimeout(this.options.config.idleTimeoutSec * 1000, () => {
      log.debug({ peer }, 'dc09: idle connection closed');
      socket.destroy();
    });
    log.debug({ peer }, 'dc09: connection');
    const splitter = new FrameSplitter();
    let chain = Promise.resolve();
    let queued = 0;
    socket.on('data', (chunk: string) => {
      const { frames, discarded } = splitter.push(chunk);
      if (discarded > 0) {
        log.debug({ peer, discarded }, 'dc09: bytes outside any frame skipped');
      }
      for (const frame of frames) {
        queued += 1;
        if (queued >= HIGH_WATER) {
          socket.pause();
        }
        const step = chain
          .then(async () => {
            const outcome = await this.processor.process(frame, peer);
            if (outcome.reply !== undefined && !socket.destroyed && socket.writable) {
              socket.write(outcome.reply, 'latin1');
            }
          })
          .catch((error: unknown) => log.error({ err: error, peer }, 'dc09: frame handling failed'))
          .finally(() => {
            queued -= 1;
            if (queued <= LOW_WATER && socket.isPaused() && !socket.destroyed) {
              socket.resume();
            }
          });
        chain = step;
        this.chains.add(step);
        void step.finally(() => this.chains.delete(step));
      }
    });
    socket.on('error', (error) => log.debug({ peer, err: error }, 'dc09: connection error'));
    socket.on('close', () => {
      this.sockets.delete(socket);
      log.debug({ peer }, 'dc09: connection closed');
    });
  }

  private isAllowed(address: string | undefined): boolean {
    if (this.allowed === undefined) {
      return true;
    }
    if (address === undefined) {
      return false;
    }
    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; the allow list is written in plain IPv4.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const plain = mapped ?? address;
    return this.allowed.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6');
  }
}

async function loadAccount(config: Dc09Config['accounts'][number]): Promise<Dc09Account> {
  let spelled = config.key;
  if (config.keyFile !== undefined) {
    try {
      spelled = await readFile(config.keyFile, 'utf8');
    } catch (error) {
      throw new Error(
        `cannot read dc09 keyFile ${config.keyFile} of account ${config.account}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  }
  if (spelled === undefined) {
    return { ...config, keyBytes: undefined };
  }
  try {
    return { ...config, keyBytes: parseKey(spelled, config.keyEncoding) };
  } catch (error) {
    const where = config.keyFile === undefined ? 'key' : `keyFile ${config.keyFile}`;
    throw new Error(`dc09 ${where} of account ${config.account}: ${(error as Error).message}`);
  }
}

function blockListOf(entries: readonly string[]): BlockList | undefined {
  if (entries.length === 0) {
    return undefined;
  }
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, family);
    } else {
      list.addSubnet(address, Number(prefix), family);
    }
  }
  return list;
}

/** Starts a receiver; see {@link Dc09Receiver}. */
export const startDc09Receiver = (options: Dc09ReceiverOptions): Promise<Dc09Receiver> => Dc09Receiver.start(options);
