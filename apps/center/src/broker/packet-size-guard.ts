import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/**
 * Follows the MQTT packets in a byte stream by their fixed headers (a type
 * byte, then the remaining length as a 1–4 byte varint, MQTT 3.1.1 §2.2.3)
 * and reports the first packet longer than `limit` as soon as its length is
 * known, before its body arrives, so nothing needs to buffer it.
 */
export class PacketSizeMeter {
  private phase: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private lengthBytes = 0;
  private bodyLeft = 0;

  constructor(private readonly limit: number) {}

  /** The size of an oversize (or malformed-length) packet starting in `chunk`, or null when all is well. */
  feed(chunk: Uint8Array): number | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.phase === 'body') {
        const take = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= take;
        i += take;
        if (this.bodyLeft === 0) {
          this.phase = 'type';
        }
        continue;
      }
      const byte = chunk[i] ?? 0;
      i += 1;
      if (this.phase === 'type') {
        this.phase = 'length';
        this.length = 0;
        this.lengthBytes = 0;
        continue;
      }
      this.length += (byte & 0x7f) * 128 ** this.lengthBytes;
      this.lengthBytes += 1;
      if (byte & 0x80) {
        if (this.lengthBytes === 4) {
          return Number.POSITIVE_INFINITY; // a fifth length byte: not MQTT
        }
        continue;
      }
      const total = 1 + this.lengthBytes + this.length;
      if (total > this.limit) {
        return total;
      }
      this.bodyLeft = this.length;
      this.phase = this.bodyLeft === 0 ? 'type' : 'body';
    }
    return null;
  }
}

/**
 * The socket as aedes should see it: the same bytes both ways, except that a
 * client sending a packet over `limit` bytes is disconnected before the
 * broker buffers it (aedes has no such limit of its own; Mosquitto's
 * `max_packet_size` does the same). Backpressure passes through.
 */
export function guardPacketSize(
  socket: Socket,
  limit: number,
  onTooLarge: (bytes: number, guarded: Duplex) => void,
): Duplex {
  const meter = new PacketSizeMeter(limit);
  const guarded = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(error, callback) {
      socket.destroy();
      callback(error);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    const tooLarge = meter.feed(chunk);
    if (tooLarge !== null) {
      onTooLarge(tooLarge, guarded);
      socket.destroy();
      return;
    }
    if (!guarded.push(chunk)) {
      socket.pause();
    }
  });
  socket.on('end', () => guarded.push(null));
  socket.on('close', () => guarded.destroy());
  socket.on('error', (error) => guarded.destroy(error));
  return guarded;
}
