import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { guardPacketSize, PacketSizeMeter } from './packet-size-guard.js';

const publish = (payloadBytes: number): Buffer =>
  mqttPacket.generate({
    cmd: 'publish',
    topic: 'bsm/v1/b1/up/alarm',
    payload: Buffer.alloc(payloadBytes, 0x61),
    qos: 1,
    messageId: 7,
    retain: false,
    dup: false,
  });

describe('the MQTT packet size meter', () => {
  it('lets packets up to the limit through, whatever the chunks they arrive in', () => {
    const stream = Buffer.concat([publish(10), publish(200), publish(16_000), publish(0)]);
    const limit = publish(16_000).length;
    for (const size of [1, 2, 3, 7, 100, stream.length]) {
      const meter = new PacketSizeMeter(limit);
      for (let i = 0; i < stream.length; i += size) {
        expect(meter.feed(stream.subarray(i, i + size))).toBeNull();
      }
    }
  });

  it('names the first packet over the limit as soon as its length is read, before its body', () => {
    const big = publish(300_000);
    const meter = new PacketSizeMeter(100_000);
    expect(meter.feed(publish(50))).toBeNull();
    // The type byte and the three length bytes only: the body has not arrived.
    expect(meter.feed(big.subarray(0, 2))).toBeNull();
    expect(meter.feed(big.subarray(2, 4))).toBe(big.length);
  });

  it('refuses a remaining length longer than MQTT allows', () => {
    expect(new PacketSizeMeter(1e9).feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});

describe('the packet size guard on a socket', () => {
  it('passes what fits both ways, and cuts off the client whose packet does not', async () => {
    const received: Buffer[] = [];
    const tooLarge: number[] = [];
    const server = createServer((socket) => {
      const guarded = guardPacketSize(socket, 1000, (bytes) => tooLarge.push(bytes));
      guarded.on('data', (chunk: Buffer) => {
        received.push(chunk);
        guarded.write(Buffer.from('ok'));
      });
      guarded.on('error', () => undefined);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client: Socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(client, 'connect');
    client.write(publish(100));
    const [answer] = (await once(client, 'data')) as [Buffer];
    expect(answer.toString()).toBe('ok');
    client.write(publish(5000));
    await once(client, 'close');
    expect(Buffer.concat(received)).toEqual(publish(100));
    expect(tooLarge).toEqual([publish(5000).length]);
    server.close();
  });
});
