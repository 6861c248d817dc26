/**
 * Keeps a slow viewer from growing the server's memory or delaying others.
 *
 * node-media-server v4 writes every frame to every subscriber with a plain
 * `socket.write` / `res.write` / `ws.send` and never looks at the result, so
 * a viewer on a thin link makes its socket buffer grow without bound. The
 * guard wraps a session's `sendBuffer`: once the bytes waiting in the socket
 * exceed the threshold it drops audio and video until the buffer has drained
 * (to half the threshold) and a keyframe arrives, then resumes from that
 * keyframe, so the picture the viewer sees jumps forward but never breaks.
 * Codec headers and metadata always pass: without them nothing decodes.
 */
export type FrameKind = 'config' | 'key' | 'delta' | 'audio' | 'other';

const TAG_AUDIO = 8;
const TAG_VIDEO = 9;
const AAC = 10;
const AVC = 7;
const HEVC = 12;

/** Classifies an FLV/RTMP media message from its type and first two payload bytes. */
export function kindOfTag(type: number, b0: number | undefined, b1: number | undefined): FrameKind {
  if (type === TAG_AUDIO) {
    // An AAC sequence header (AudioSpecificConfig) is codec setup, not sound.
    return b0 !== undefined && b0 >> 4 === AAC && b1 === 0 ? 'config' : 'audio';
  }
  if (type !== TAG_VIDEO || b0 === undefined) {
    return 'other';
  }
  const enhanced = (b0 & 0x80) !== 0;
  const frameType = (b0 >> 4) & 0x07;
  if (enhanced) {
    // Enhanced RTMP (HEVC/AV1 in v4): the low nibble is the packet type, 0 = sequence start.
    if ((b0 & 0x0f) === 0) {
      return 'config';
    }
  } else if ((b0 & 0x0f) === AVC || (b0 & 0x0f) === HEVC) {
    if (b1 === 0) {
      return 'config';
    }
  }
  return frameType === 1 ? 'key' : 'delta';
}

/** NMS FLV tag buffers: an 11-byte tag header (type first), then the payload. The file header is 'other'. */
export function kindOfFlvMessage(buf: Buffer): FrameKind {
  if (buf.length < 12) {
    return 'other';
  }
  return kindOfTag(buf[0]!, buf[11], buf[12]);
}

/** NMS RTMP buffers: one message chunked, the first chunk with a type-0 header. */
export function kindOfRtmpMessage(buf: Buffer): FrameKind {
  if (buf.length < 1 || buf[0]! >> 6 !== 0) {
    return 'other';
  }
  const csid = buf[0]! & 0x3f;
  const basic = csid === 0 ? 2 : csid === 1 ? 3 : 1;
  if (buf.length < basic + 11) {
    return 'other';
  }
  const timestamp = buf.readUIntBE(basic, 3);
  const payload = basic + 11 + (timestamp === 0xffffff ? 4 : 0);
  return kindOfTag(buf[basic + 6]!, buf[payload], buf[payload + 1]);
}

export interface GuardStats {
  dropped: number;
  stalls: number;
}

export interface SendGuardOptions {
  send(buf: Buffer): void;
  /** Bytes written but not yet taken by the kernel for this viewer. */
  buffered(): number;
  kindOf(buf: Buffer): FrameKind;
  thresholdBytes: number;
  /** Called when the viewer starts being skipped (once per stall). */
  onStall?(bufferedBytes: number): void;
  /** Called when the viewer resumes at a keyframe, with the frames it missed. */
  onResume?(droppedFrames: number): void;
}

export function guardSend(opts: SendGuardOptions): { send: (buf: Buffer) => void; stats: GuardStats } {
  const stats: GuardStats = { dropped: 0, stalls: 0 };
  let dropping = false;
  let droppedThisStall = 0;
  const send = (buf: Buffer): void => {
    const kind = opts.kindOf(buf);
    if (kind === 'config' || kind === 'other') {
      opts.send(buf);
      return;
    }
    if (!dropping) {
      const waiting = opts.buffered();
      if (waiting > opts.thresholdBytes) {
        dropping = true;
        droppedThisStall = 0;
        stats.stalls += 1;
        opts.onStall?.(waiting);
      }
    }
    if (dropping) {
      // Half the threshold before resuming, so a viewer just below its bitrate does not flap every GOP.
      if (kind === 'key' && opts.buffered() <= opts.thresholdBytes / 2) {
        dropping = false;
        opts.onResume?.(droppedThisStall);
      } else {
        stats.dropped += 1;
        droppedThisStall += 1;
        return;
      }
    }
    opts.send(buf);
  };
  return { send, stats };
}
