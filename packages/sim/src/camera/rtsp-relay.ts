import net from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  RtspParser,
  interleavedChannels,
  interleavedFrame,
  isH264KeyframeStart,
  rtspResponse,
  sdpTracks,
  uriPath,
  type RtspRequest,
  type SdpTrack,
} from './rtsp-wire.js';

/**
 * A small RTSP server (TCP-interleaved transport only) that relays streams
 * published to it (ANNOUNCE/RECORD, by our own ffmpeg encoders) to any number
 * of players (DESCRIBE/SETUP/PLAY). It is written here because
 * rtsp-streaming-server 2.1 refuses TCP transport on both sides (461/501),
 * and the agent and NVRs pull with `-rtsp_transport tcp`; it also gives the
 * hook on-demand encoding needs: a player's DESCRIBE waits until the stream's
 * encoder has started and published.
 *
 * Players asking for UDP get 461, upon which ffmpeg (and most clients) retry
 * over TCP by themselves.
 */
export interface RtspRelayHooks {
  /** The stream key of a path such as `/cam1/sub`, or undefined if there is no such stream. */
  resolve(path: string): string | undefined;
  /** A player wants the stream: start its source if needed. Balanced by `release`. */
  acquire(key: string): void;
  release(key: string): void;
  /** Whether a publisher may ANNOUNCE this stream now (its encoder is running and has not published yet). */
  mayPublish(key: string): boolean;
}

/** How long a player's DESCRIBE waits for the encoder to publish. */
const READY_TIMEOUT_MS = 15_000;
/** Over this much unsent data a player drops packets until the next keyframe. */
const MAX_PLAYER_BACKLOG = 1024 * 1024;

interface Player {
  socket: net.Socket;
  /** Per track index: the interleaved RTP channel (RTCP = +1). */
  channels: Map<number, number>;
  playing: boolean;
  waitingForKeyframe: boolean;
}

interface RelayStream {
  key: string;
  /** The SDP players get; set at RECORD, when the publisher really sends. */
  sdp: string | undefined;
  /** The SDP of an ANNOUNCE whose RECORD has not come yet. */
  pendingSdp: string | undefined;
  tracks: SdpTrack[];
  videoTrack: number;
  publisher: net.Socket | undefined;
  /** Publisher channel → track index and whether it is RTCP. */
  publisherChannels: Map<number, { track: number; rtcp: boolean }>;
  players: Set<Player>;
  waiters: Set<() => void>;
}

export class RtspRelay {
  private readonly server = net.createServer((socket) => this.onConnection(socket));
  private readonly streams = new Map<string, RelayStream>();
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly hooks: RtspRelayHooks) {}

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (address === null || typeof address === 'string') {
      throw new Error('RTSP relay has no TCP address');
    }
    return address.port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Number of players currently receiving a stream. */
  playerCount(key: string): number {
    return [...(this.streams.get(key)?.players ?? [])].filter((p) => p.playing).length;
  }

  isPublished(key: string): boolean {
    const stream = this.streams.get(key);
    return stream?.publisher !== undefined && stream.sdp !== undefined;
  }

  private stream(key: string): RelayStream {
    let stream = this.streams.get(key);
    if (stream === undefined) {
      stream = {
        key,
        sdp: undefined,
        pendingSdp: undefined,
        tracks: [],
        videoTrack: -1,
        publisher: undefined,
        publisherChannels: new Map(),
        players: new Set(),
        waiters: new Set(),
      };
      this.streams.set(key, stream);
    }
    return stream;
  }

  private waitPublished(stream: RelayStream): Promise<boolean> {
    if (stream.sdp !== undefined && stream.publisher !== undefined) {
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        stream.waiters.delete(done);
        resolve(stream.sdp !== undefined);
      };
      const timer = setTimeout(done, READY_TIMEOUT_MS);
      stream.waiters.add(done);
    });
  }

  private onConnection(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const parser = new RtspParser();
    const session = randomBytes(8).toString('hex');
    /** Streams this connection holds a reference on (acquired at DESCRIBE or SETUP). */
    const held = new Map<string, Player>();
    let published: RelayStream | undefined;
    // Requests are handled one at a time, in order, even when one waits for an encoder.
    let queue = Promise.resolve();

    const cleanup = (): void => {
      this.sockets.delete(socket);
      for (const [key, player] of held) {
        this.streams.get(key)?.players.delete(player);
        this.hooks.release(key);
      }
      held.clear();
      if (published !== undefined && published.publisher === socket) {
        published.publisher = undefined;
        published.sdp = undefined;
        published.publisherChannels.clear();
        // The next publisher starts a new picture: players resume at its first keyframe.
        for (const player of published.players) {
          player.waitingForKeyframe = true;
        }
      }
    };
    socket.on('close', cleanup);
    socket.on('error', () => socket.destroy());

    const reply = (buffer: Buffer): void => {
      if (!socket.destroyed) {
        socket.write(buffer);
      }
    };

    const hold = (key: string): Player => {
      let player = held.get(key);
      if (player === undefined) {
        player = { socket, channels: new Map(), playing: false, waitingForKeyframe: true };
        held.set(key, player);
        this.stream(key).players.add(player);
        this.hooks.acquire(key);
      }
      return player;
    };

    const handle = async (req: RtspRequest): Promise<void> => {
      const cseq = req.headers.cseq;
      const path = uriPath(req.uri);
      switch (req.method) {
        case 'OPTIONS':
          return reply(
            rtspResponse(200, cseq, {
              Public: 'OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER, ANNOUNCE, RECORD',
            }),
          );
        case 'GET_PARAMETER':
        case 'SET_PARAMETER':
          return reply(rtspResponse(200, cseq, { Session: session }));
        case 'DESCRIBE': {
          const key = this.hooks.resolve(path);
          if (key === undefined) {
            return reply(rtspResponse(404, cseq));
          }
          hold(key);
          const stream = this.stream(key);
          if (!(await this.waitPublished(stream)) || stream.sdp === undefined) {
            return reply(rtspResponse(503, cseq));
          }
          const base = req.uri.replace(/\/?$/, '/');
          return reply(
            rtspResponse(200, cseq, { 'Content-Base': base, 'Content-Type': 'application/sdp' }, playerSdp(stream.sdp)),
          );
        }
        case 'ANNOUNCE': {
          const key = this.hooks.resolve(path);
          const loopback = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(socket.remoteAddress ?? '');
          if (key === undefined || !loopback || !this.hooks.mayPublish(key)) {
            return reply(rtspResponse(403, cseq));
          }
          const stream = this.stream(key);
          if (stream.publisher !== undefined && stream.publisher !== socket) {
            // The encoder of an earlier demand is still stopping and holds the stream; the encoder
            // running now takes over, or a player arriving right after an idle stop would wait for
            // the old session to wind down while the new encoder backs off.
            const stale = stream.publisher;
            stream.publisher = undefined;
            stream.sdp = undefined;
            stream.publisherChannels.clear();
            for (const player of stream.players) {
              player.waitingForKeyframe = true;
            }
            stale.destroy();
          }
          const sdp = req.body.toString('utf8');
          stream.publisher = socket;
          stream.tracks = sdpTracks(sdp);
          stream.videoTrack = stream.tracks.findIndex((t) => t.media === 'video');
          stream.sdp = undefined;
          stream.pendingSdp = sdp;
          stream.publisherChannels.clear();
          published = stream;
          return reply(rtspResponse(200, cseq, { Session: session }));
        }
        case 'SETUP':
          return reply(this.setup(req, path, session, published, hold));
        case 'RECORD': {
          if (published === undefined) {
            return reply(rtspResponse(455, cseq));
          }
          published.sdp = published.pendingSdp;
          for (const waiter of [...published.waiters]) {
            waiter();
          }
          return reply(rtspResponse(200, cseq, { Session: session }));
        }
        case 'PLAY': {
          if (held.size === 0) {
            return reply(rtspResponse(455, cseq));
          }
          for (const player of held.values()) {
            player.playing = player.channels.size > 0;
          }
          return reply(rtspResponse(200, cseq, { Session: session, Range: 'npt=0.000-' }));
        }
        case 'TEARDOWN':
          reply(rtspResponse(200, cseq, { Session: session }));
          socket.end();
          return;
        default:
          return reply(rtspResponse(501, cseq));
      }
    };

    socket.on('data', (chunk: Buffer) => {
      let messages;
      try {
        messages = parser.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const message of messages) {
        if (message.kind === 'data') {
          if (published !== undefined && published.publisher === socket) {
            this.forward(published, message.channel, message.data);
          }
          // Players' RTCP receiver reports are not needed: dropped.
          continue;
        }
        queue = queue
          .then(() => handle(message.request))
          .catch(() => {
            socket.destroy();
          });
      }
    });
  }

  private setup(
    req: RtspRequest,
    path: string,
    session: string,
    published: RelayStream | undefined,
    hold: (key: string) => Player,
  ): Buffer {
    const cseq = req.headers.cseq;
    const transport = req.headers.transport ?? '';
    const channels = interleavedChannels(transport);
    if (!/TCP/i.test(transport) || channels === undefined) {
      return rtspResponse(461, cseq);
    }
    const slash = path.lastIndexOf('/');
    const control = path.slice(slash + 1);
    const reply = (): Buffer =>
      rtspResponse(200, cseq, {
        Transport: `RTP/AVP/TCP;unicast;interleaved=${channels[0]}-${channels[1]}`,
        Session: `${session};timeout=60`,
      });
    if (published !== undefined && /mode="?record/i.test(transport)) {
      const track = published.tracks.findIndex((t) => t.control === control);
      if (track < 0) {
        return rtspResponse(404, cseq);
      }
      published.publisherChannels.set(channels[0], { track, rtcp: false });
      published.publisherChannels.set(channels[1], { track, rtcp: true });
      return reply();
    }
    const key = this.hooks.resolve(path.slice(0, slash));
    if (key === undefined) {
      return rtspResponse(404, cseq);
    }
    const stream = this.stream(key);
    // The tracks of the last publisher, even if it left since the player's DESCRIBE (an encoder stopping
    // when the player arrived): the next encoder publishes the same tracks, and the player resumes at its
    // first keyframe.
    const track = stream.tracks.findIndex((t) => t.control === control);
    if (track < 0) {
      return rtspResponse(404, cseq);
    }
    hold(key).channels.set(track, channels[0]);
    return reply();
  }

  private forward(stream: RelayStream, channel: number, data: Buffer): void {
    const source = stream.publisherChannels.get(channel);
    if (source === undefined) {
      return;
    }
    const keyframe = !source.rtcp && source.track === stream.videoTrack && isH264KeyframeStart(data);
    for (const player of stream.players) {
      const out = player.channels.get(source.track);
      if (!player.playing || out === undefined) {
        continue;
      }
      if (player.waitingForKeyframe) {
        // Start (or resume after a backlog or an encoder restart) on a keyframe, so
        // the first picture a player decodes is whole; audio and RTCP go through.
        if (keyframe) {
          player.waitingForKeyframe = false;
        } else if (source.track === stream.videoTrack && !source.rtcp) {
          continue;
        }
      }
      if (player.socket.writableLength > MAX_PLAYER_BACKLOG) {
        // A slow player must not grow our memory: drop until the next keyframe.
        player.waitingForKeyframe = true;
        continue;
      }
      player.socket.write(interleavedFrame(source.rtcp ? out + 1 : out, data));
    }
  }
}

/** The publisher's SDP as players should see it: no publisher address. */
function playerSdp(sdp: string): string {
  return sdp.replace(/^c=IN IP4 \S+/gm, 'c=IN IP4 0.0.0.0');
}
