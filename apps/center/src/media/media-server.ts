import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type AddressInfo, type Server as NetServer } from 'node:net';
import type { Logger } from '@bsm/runtime';
import { loadNms, type NmsSession } from './nms-loader.js';
import { guardSend, kindOfFlvMessage, kindOfRtmpMessage } from './slow-viewer.js';
import { MEDIA_APP } from './stream-name.js';

export type MediaAccess = 'play' | 'publish';

export type AccessVerdict = { ok: true; sub: string | null } | { ok: false; reason: string };

export interface PlaySession {
  /** node-media-server's session id. */
  id: string;
  stream: string;
  protocol: 'rtmp' | 'flv';
  /** "address:port" of the player. */
  peer: string;
  /** Who the play URL was issued to, if it said. */
  sub: string | null;
}

export interface MediaServerOptions {
  host: string;
  /** 0 picks a free port. */
  rtmpPort: number;
  /** 0 picks a free port. */
  httpPort: number;
  /** Bytes a viewer's socket may hold before its frames are skipped to the next keyframe. */
  slowViewerBufferBytes: number;
  log: Logger;
  /** Decides every play and publish of a stream under `/live/`; everything else is refused. */
  authorize(access: MediaAccess, stream: string, query: NmsSession['streamQuery']): AccessVerdict;
  onPlayStarted?(play: PlaySession): void;
  onPlayEnded?(play: PlaySession): void;
  onPublishStarted?(stream: string, peer: string): void;
  /** node-media-server reports the end of a publish 30 s after the publisher left (it waits for a resume). */
  onPublishEnded?(stream: string): void;
}

export interface MediaServer {
  rtmpPort: number;
  httpPort: number;
  /** Streams with a live publisher right now. */
  publishing(): string[];
  /** Ends every play of `stream` now (a pre-empted stream); returns how many were cut. */
  disconnectPlayers(stream: string): number;
  close(): Promise<void>;
}

/** node-media-server skips a listener whose port is 0, so a free one is found first (tests only). */
async function freePort(host: string): Promise<number> {
  const probe: NetServer = createServer();
  probe.listen(0, host);
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

async function listening(server: NetServer, what: string, log: Logger): Promise<void> {
  // node-media-server's own handler calls process.exit(1) on a listen error; a center must report, not vanish.
  server.removeAllListeners('error');
  const failed = new Promise<never>((_resolve, reject) => {
    server.once('error', (error) => reject(new Error(`${what} cannot listen: ${error.message}`)));
  });
  await Promise.race([once(server, 'listening'), failed]);
  server.on('error', (error) => log.error({ err: error }, `${what} error`));
}

/** Maps node-media-server's console logger into ours; its per-session chatter goes to debug. */
function routeLogs(logger: { log(message: string, level?: string): void }, log: Logger): void {
  logger.log = (message: string, level = 'info') => {
    if (level === 'error' || level === 'warn') {
      log.warn({ nms: level }, message);
    } else {
      log.debug({ nms: level }, message);
    }
  };
}

/** Bytes written to a viewer and not yet taken by its socket. */
function bufferedOf(session: NmsSession): number {
  if (session.socket) {
    return session.socket.writableLength;
  }
  return session.res?.bufferedAmount ?? session.res?.writableLength ?? 0;
}

/**
 * node-media-server v4 inside the center process: RTMP for publishers
 * (agents, relays) and RTMP/HTTP-FLV/WS-FLV for players. Every publish and
 * play goes through `authorize`; viewers are reported to the owner, and each
 * player's socket is guarded against a slow reader.
 *
 * Refusal uses the server's own URL-auth check rather than closing the
 * session from the hook: the hook (`prePlay`/`prePublish`) runs just before
 * that check, so it writes a one-off internal signature into the session's
 * query when our verdict is yes and removes any when it is no. The server
 * then refuses before it registers a publisher or a subscriber, which a close
 * from the hook would not prevent (a refused publisher would otherwise hold
 * the stream for its 30 s resume window).
 */
/** What the media server serves over HTTP: `/<app>/<stream>.flv` with a query, names as it accepts them. */
const SERVED_PATH = /^\/[A-Za-z0-9_-]{1,64}\/[A-Za-z0-9_-]{1,160}\.flv(\?[^#]*)?$/;

export async function startMediaServer(opts: MediaServerOptions): Promise<MediaServer> {
  const log = opts.log;
  const { Context, logger, NodeHttpServer, NodeRtmpServer } = loadNms();
  routeLogs(logger, log.child({ part: 'nms' }));

  const rtmpPort = opts.rtmpPort === 0 ? await freePort(opts.host) : opts.rtmpPort;
  const httpPort = opts.httpPort === 0 ? await freePort(opts.host) : opts.httpPort;
  /** Never leaves the process: it only carries our verdict into the server's own check. */
  const internalSecret = randomBytes(32).toString('hex');
  Context.config = {
    bind: opts.host,
    rtmp: { port: rtmpPort },
    http: { port: httpPort },
    auth: { play: true, publish: true, secret: internalSecret },
    webadmin: { enable: false },
  };

  const admit = (session: NmsSession, verdict: AccessVerdict): void => {
    if (verdict.ok) {
      const exp = Math.floor(Date.now() / 1000) + 60;
      const hash = createHash('md5').update(`${session.streamPath}-${exp}-${internalSecret}`).digest('hex');
      session.streamQuery.sign = `${exp}-${hash}`;
      (session as NmsSession & { bsmSub?: string | null }).bsmSub = verdict.sub;
    } else {
      delete session.streamQuery.sign;
      if (session.rtmp) {
        // node-media-server only half-closes a refused RTMP session and keeps parsing what arrives, and its
        // parser hands a refused publisher's packets to the stream's viewers all the same: cut both.
        session.rtmp.onPacketCallback = () => undefined;
        const socket = session.socket;
        setImmediate(() => socket?.destroy());
      }
      if (session.res && session.res.headersSent === false && session.res.setHeader) {
        // HTTP-FLV: let the player see why instead of an empty 200.
        session.res.statusCode = 403;
        session.res.setHeader('x-bsm-refused', verdict.reason);
      }
    }
  };
  const decide = (access: MediaAccess, session: NmsSession): AccessVerdict => {
    if (session.streamApp !== MEDIA_APP) {
      return { ok: false, reason: 'unknown_app' };
    }
    try {
      return opts.authorize(access, session.streamName, session.streamQuery);
    } catch (error) {
      log.error({ err: error, stream: session.streamName }, 'media authorization failed');
      return { ok: false, reason: 'error' };
    }
  };

  const events = Context.eventEmitter;
  events.on('prePublish', (session: NmsSession) => {
    const verdict = decide('publish', session);
    if (!verdict.ok) {
      log.warn({ stream: session.streamName, peer: session.ip, reason: verdict.reason }, 'publish refused');
    }
    admit(session, verdict);
  });
  events.on('prePlay', (session: NmsSession) => {
    const verdict = decide('play', session);
    if (!verdict.ok) {
      log.info({ stream: session.streamName, peer: session.ip, reason: verdict.reason }, 'play refused');
    }
    admit(session, verdict);
  });

  const plays = new Map<string, PlaySession>();
  const threshold = opts.slowViewerBufferBytes;
  events.on('postPlay', (session: NmsSession) => {
    const play: PlaySession = {
      id: session.id,
      stream: session.streamName,
      protocol: session.protocol === 'rtmp' ? 'rtmp' : 'flv',
      peer: session.ip,
      sub: (session as NmsSession & { bsmSub?: string | null }).bsmSub ?? null,
    };
    plays.set(session.id, play);
    // Installed before the server sends the headers and the GOP cache, so everything goes through it.
    const original = session.sendBuffer;
    const guard = guardSend({
      send: original,
      buffered: () => bufferedOf(session),
      kindOf: play.protocol === 'rtmp' ? kindOfRtmpMessage : kindOfFlvMessage,
      thresholdBytes: threshold,
      onStall: (bytes) => log.info({ stream: play.stream, peer: play.peer, bytes }, 'slow viewer: skipping frames'),
      onResume: (frames) =>
        log.info({ stream: play.stream, peer: play.peer, frames }, 'slow viewer: resumed at a keyframe'),
    });
    session.sendBuffer = guard.send;
    opts.onPlayStarted?.(play);
  });
  // donePlay also fires for refused players; only the ones that started count.
  events.on('donePlay', (session: NmsSession) => {
    const play = plays.get(session.id);
    if (play) {
      plays.delete(session.id);
      opts.onPlayEnded?.(play);
    }
  });
  events.on('postPublish', (session: NmsSession) => {
    // Emitted before the server checks for a publisher already on the stream; only a free slot is a start.
    if (Context.broadcasts.get(session.streamPath)?.publisher === null) {
      opts.onPublishStarted?.(session.streamName, session.ip);
    }
  });
  events.on('donePublish', (session: NmsSession) => {
    opts.onPublishEnded?.(session.streamName);
  });

  const http = new NodeHttpServer();
  const rtmp = new NodeRtmpServer();
  // A WS-FLV path the server cannot parse throws inside the upgrade handler, which would crash the process.
  const handleFlv = http.handleFlv;
  http.handleFlv = (req: IncomingMessage, res: unknown) => {
    if (!SERVED_PATH.test(req.url ?? '')) {
      log.info({ url: req.url }, 'WS-FLV request for a stream name the media server would crash on: refused');
      (res as { terminate?(): void }).terminate?.();
      return;
    }
    try {
      handleFlv(req, res);
    } catch (error) {
      log.info({ err: error, url: req.url }, 'bad FLV request');
      (res as { terminate?(): void }).terminate?.();
    }
  };
  http.wsServer?.on('error', (error: Error) => log.error({ err: error }, 'WS-FLV error'));
  const httpServer = http.httpServer!;
  // node-media-server crashes the process when a play request names a stream it refuses (bad characters):
  // it closes the half-made session, whose close handler then throws. Only well-formed FLV paths reach it.
  const serve = httpServer.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  httpServer.removeAllListeners('request');
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!SERVED_PATH.test(req.url ?? '')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such stream\n');
      return;
    }
    for (const listener of serve) {
      listener(req, res);
    }
  });
  http.run();
  rtmp.run();
  const tcpServer = rtmp.tcpServer!;
  try {
    await Promise.all([listening(httpServer, 'HTTP-FLV', log), listening(tcpServer, 'RTMP', log)]);
  } catch (error) {
    rtmp.stop();
    http.stop();
    throw error;
  }
  log.info({ host: opts.host, rtmpPort, httpPort }, 'media server listening');

  let closing: Promise<void> | null = null;
  return {
    rtmpPort,
    httpPort,
    publishing: () =>
      [...Context.broadcasts.entries()]
        .filter(([, b]) => b.publisher !== null)
        .map(([path]) => path.split('/')[2] ?? path),
    disconnectPlayers: (stream) => {
      let cut = 0;
      for (const play of plays.values()) {
        const session = play.stream === stream ? Context.sessions.get(play.id) : undefined;
        if (session) {
          // Ends the FLV response or the RTMP socket; donePlay then reports the viewer gone as usual.
          session.close();
          cut += 1;
        }
      }
      return cut;
    },
    close: () => {
      closing ??= (async () => {
        const closed = [once(httpServer, 'close'), once(tcpServer, 'close')];
        rtmp.stop();
        http.stop();
        // HTTP-FLV responses never end by themselves; server.close() would wait for them forever.
        httpServer.closeAllConnections();
        await Promise.all(closed);
        events.removeAllListeners();
      })();
      return closing;
    },
  };
}
