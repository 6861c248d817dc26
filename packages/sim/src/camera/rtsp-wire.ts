/**
 * The bits of RTSP 1.0 (RFC 2326) the simulator's relay needs: requests and
 * interleaved binary frames (`$`, channel, length, RTP/RTCP packet) on one
 * TCP connection, responses, the track list of an SDP, and spotting H.264
 * keyframes in RTP payloads.
 */

export interface RtspRequest {
  method: string;
  uri: string;
  headers: Record<string, string>;
  body: Buffer;
}

export type RtspMessage = { kind: 'request'; request: RtspRequest } | { kind: 'data'; channel: number; data: Buffer };

/** Largest request head accepted; anything bigger is not a camera client. */
const MAX_HEAD = 16 * 1024;

/** Splits a TCP byte stream into RTSP requests and interleaved frames. */
export class RtspParser {
  private buffer: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns the complete messages. Throws on a malformed stream. */
  push(chunk: Buffer): RtspMessage[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const messages: RtspMessage[] = [];
    for (;;) {
      if (this.buffer.length === 0) {
        break;
      }
      if (this.buffer[0] === 0x24) {
        if (this.buffer.length < 4) {
          break;
        }
        const length = this.buffer.readUInt16BE(2);
        if (this.buffer.length < 4 + length) {
          break;
        }
        messages.push({ kind: 'data', channel: this.buffer[1] ?? 0, data: this.buffer.subarray(4, 4 + length) });
        this.buffer = this.buffer.subarray(4 + length);
        continue;
      }
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.buffer.length > MAX_HEAD) {
          throw new Error('RTSP request head too large');
        }
        break;
      }
      const lines = this.buffer.subarray(0, end).toString('utf8').split('\r\n');
      const [method, uri, version] = (lines[0] ?? '').split(' ');
      if (method === undefined || uri === undefined || version?.startsWith('RTSP/') !== true) {
        throw new Error(`not an RTSP request: ${(lines[0] ?? '').slice(0, 80)}`);
      }
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) {
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
      }
      const bodyLength = Number(headers['content-length'] ?? '0');
      if (!Number.isInteger(bodyLength) || bodyLength < 0 || bodyLength > MAX_HEAD) {
        throw new Error('bad Content-Length');
      }
      if (this.buffer.length < end + 4 + bodyLength) {
        break;
      }
      const body = this.buffer.subarray(end + 4, end + 4 + bodyLength);
      this.buffer = this.buffer.subarray(end + 4 + bodyLength);
      messages.push({ kind: 'request', request: { method, uri, headers, body } });
    }
    return messages;
  }
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  454: 'Session Not Found',
  455: 'Method Not Valid in This State',
  461: 'Unsupported Transport',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

export function rtspResponse(
  status: number,
  cseq: string | undefined,
  headers: Record<string, string> = {},
  body = '',
): Buffer {
  const lines = [`RTSP/1.0 ${status} ${REASONS[status] ?? 'Error'}`, `CSeq: ${cseq ?? '0'}`, 'Server: bsm-sim-camera'];
  for (const [name, value] of Object.entries(headers)) {
    lines.push(`${name}: ${value}`);
  }
  if (body.length > 0) {
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** An interleaved frame carrying one RTP or RTCP packet. */
export function interleavedFrame(channel: number, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head[0] = 0x24;
  head[1] = channel;
  head.writeUInt16BE(data.length, 2);
  return Buffer.concat([head, data]);
}

/** The path of an rtsp:// URI (or of a bare path), without trailing slashes. */
export function uriPath(uri: string): string {
  const path = uri.startsWith('rtsp://') ? uri.slice(uri.indexOf('/', 'rtsp://'.length) >>> 0) : uri;
  const noQuery = path.split('?')[0] ?? '';
  return noQuery.replace(/\/+$/, '');
}

export interface SdpTrack {
  /** The `a=control:` value, e.g. `streamid=0`. */
  control: string;
  media: string;
}

/** Media sections of an SDP, in order, with their control attribute. */
export function sdpTracks(sdp: string): SdpTrack[] {
  const tracks: SdpTrack[] = [];
  for (const section of sdp.split(/\r?\nm=/).slice(1)) {
    const media = section.split(' ')[0] ?? '';
    const control = /^a=control:(\S+)/m.exec(section)?.[1] ?? `streamid=${tracks.length}`;
    tracks.push({ control, media });
  }
  return tracks;
}

/** `interleaved=a-b` of a Transport header, or undefined. */
export function interleavedChannels(transport: string | undefined): [number, number] | undefined {
  const match = /interleaved=(\d+)(?:-(\d+))?/.exec(transport ?? '');
  if (match === null) {
    return undefined;
  }
  const rtp = Number(match[1]);
  return [rtp, match[2] === undefined ? rtp + 1 : Number(match[2])];
}

/** True when an RTP packet of an H.264 track starts an IDR picture (or carries an SPS before one). */
export function isH264KeyframeStart(rtp: Buffer): boolean {
  if (rtp.length < 13) {
    return false;
  }
  const first = rtp[0] ?? 0;
  let offset = 12 + (first & 0x0f) * 4;
  if ((first & 0x10) !== 0) {
    offset += 4 + rtp.readUInt16BE(offset + 2) * 4;
  }
  const nal = rtp[offset];
  if (nal === undefined) {
    return false;
  }
  const type = nal & 0x1f;
  if (type === 5 || type === 7) {
    return true;
  }
  if (type === 24) {
    // STAP-A: the first aggregated NAL unit follows a 2-byte size.
    const inner = (rtp[offset + 3] ?? 0) & 0x1f;
    return inner === 5 || inner === 7;
  }
  if (type === 28) {
    // FU-A: start bit and the fragmented unit's type.
    const header = rtp[offset + 1] ?? 0;
    return (header & 0x80) !== 0 && (header & 0x1f) === 5;
  }
  return false;
}
