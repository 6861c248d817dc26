import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type { EventEmitter } from 'node:events';
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Server as NetServer, Socket } from 'node:net';

/** The parts of a node-media-server v4 session we read or wrap (its own sources are untyped CommonJS). */
export interface NmsSession {
  id: string;
  /** "address:port" of the peer; empty for the server's own internal sessions. */
  ip: string;
  protocol: string;
  isPublisher: boolean;
  streamApp: string;
  streamName: string;
  streamPath: string;
  streamQuery: Record<string, string | string[] | undefined>;
  /** Instance arrow functions in node-media-server, so they can be taken off the object. */
  sendBuffer: (buf: Buffer) => void;
  close: () => void;
  /** RTMP sessions. */
  socket?: Socket;
  /** RTMP sessions: the protocol parser, whose packet callback feeds the stream. */
  rtmp?: { onPacketCallback(packet: unknown): void };
  /** FLV sessions: an express response (HTTP-FLV) or a ws WebSocket (WS-FLV). */
  res?: {
    writableLength?: number;
    bufferedAmount?: number;
    statusCode?: number;
    headersSent?: boolean;
    setHeader?(n: string, v: string): void;
  };
}

export interface NmsBroadcast {
  publisher: NmsSession | null;
}

export interface NmsModules {
  Context: {
    config: Record<string, unknown>;
    eventEmitter: EventEmitter;
    broadcasts: Map<string, NmsBroadcast>;
    sessions: Map<string, NmsSession>;
  };
  logger: { level: string; log(message: string, level?: string): void };
  NodeHttpServer: new () => {
    httpServer?: HttpServer;
    wsServer?: EventEmitter & { clients: Set<{ close(): void }> };
    handleFlv: (req: IncomingMessage, res: unknown) => void;
    run(): void;
    stop(): void;
  };
  NodeRtmpServer: new () => { tcpServer?: NetServer; run(): void; stop(): void };
}

const require = createRequire(import.meta.url);

/**
 * Loads a private copy of node-media-server's modules. v4 keeps its whole
 * state (config, sessions, streams, the event emitter) in a module-level
 * `Context` singleton, so two servers in one process (two centers in a test,
 * or a benchmark) would share streams and hooks. Dropping its files from the
 * CommonJS cache first gives each server its own `Context`; its dependencies
 * (express, ws) stay shared, which is harmless.
 */
export function loadNms(): NmsModules {
  const src = join(dirname(require.resolve('node-media-server/package.json')), 'src') + sep;
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(src)) {
      delete require.cache[key];
    }
  }
  return {
    Context: require(join(src, 'core/context.js')) as NmsModules['Context'],
    logger: require(join(src, 'core/logger.js')) as NmsModules['logger'],
    NodeHttpServer: require(join(src, 'server/http_server.js')) as NmsModules['NodeHttpServer'],
    NodeRtmpServer: require(join(src, 'server/rtmp_server.js')) as NmsModules['NodeRtmpServer'],
  };
}
