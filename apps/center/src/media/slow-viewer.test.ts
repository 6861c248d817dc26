import { describe, expect, it } from 'vitest';
import { guardSend, kindOfFlvMessage, kindOfRtmpMessage, kindOfTag, type FrameKind } from './slow-viewer.js';

/** An FLV tag as NMS builds it: type, size, timestamp, stream id, payload, previous tag size. */
const flvTag = (type: number, payload: number[]): Buffer => {
  const b = Buffer.alloc(11 + payload.length + 4);
  b[0] = type;
  b.writeUIntBE(payload.length, 1, 3);
  Buffer.from(payload).copy(b, 11);
  return b;
};
/** A type-0 RTMP chunk on channel 6, with an extended timestamp when asked. */
const rtmpChunk = (type: number, payload: number[], extended = false): Buffer => {
  const head = Buffer.alloc(12 + (extended ? 4 : 0));
  head[0] = 6;
  head.writeUIntBE(extended ? 0xffffff : 40, 1, 3);
  head.writeUIntBE(payload.length, 4, 3);
  head[7] = type;
  return Buffer.concat([head, Buffer.from(payload)]);
};

describe('frame classification', () => {
  it.each<[string, number, number, number, FrameKind]>([
    ['AVC sequence header', 9, 0x17, 0, 'config'],
    ['AVC keyframe', 9, 0x17, 1, 'key'],
    ['AVC inter frame', 9, 0x27, 1, 'delta'],
    ['enhanced HEVC sequence start', 9, 0x90, 0x68, 'config'],
    ['enhanced HEVC keyframe', 9, 0x91, 0x68, 'key'],
    ['enhanced HEVC inter frame', 9, 0xa1, 0x68, 'delta'],
    ['AAC sequence header', 8, 0xaf, 0, 'config'],
    ['AAC frame', 8, 0xaf, 1, 'audio'],
    ['MP3 frame', 8, 0x2f, 0xff, 'audio'],
    ['metadata', 18, 2, 0, 'other'],
  ])('%s', (_what, type, b0, b1, kind) => {
    expect(kindOfTag(type, b0, b1)).toBe(kind);
    expect(kindOfFlvMessage(flvTag(type, [b0, b1, 0]))).toBe(kind);
    expect(kindOfRtmpMessage(rtmpChunk(type, [b0, b1, 0]))).toBe(kind);
    expect(kindOfRtmpMessage(rtmpChunk(type, [b0, b1, 0], true))).toBe(kind);
  });

  it('passes the FLV file header and short buffers as other', () => {
    expect(kindOfFlvMessage(Buffer.from('464c5601050000000900000000', 'hex'))).toBe('other');
    expect(kindOfRtmpMessage(Buffer.alloc(3))).toBe('other');
  });
});

describe('slow viewer guard', () => {
  const setup = (threshold = 1000) => {
    const sent: string[] = [];
    const events: string[] = [];
    let buffered = 0;
    const guard = guardSend({
      send: (b) => sent.push(b.toString()),
      buffered: () => buffered,
      kindOf: (b) => b.toString().split(':')[0] as FrameKind,
      thresholdBytes: threshold,
      onStall: (n) => events.push(`stall ${n}`),
      onResume: (n) => events.push(`resume after ${n}`),
    });
    const push = (...names: string[]): void => names.forEach((n) => guard.send(Buffer.from(n)));
    return { sent, events, guard, push, setBuffered: (n: number) => (buffered = n) };
  };

  it('passes everything while the viewer keeps up', () => {
    const t = setup();
    t.setBuffered(1000);
    t.push('config:v', 'key:1', 'delta:2', 'audio:3');
    expect(t.sent).toEqual(['config:v', 'key:1', 'delta:2', 'audio:3']);
    expect(t.guard.stats).toEqual({ dropped: 0, stalls: 0 });
  });

  it('drops until the socket has drained and a keyframe comes, then resumes from it', () => {
    const t = setup();
    t.push('key:1', 'delta:2');
    t.setBuffered(1001);
    t.push('delta:3', 'audio:4', 'key:5', 'config:v');
    t.setBuffered(501);
    t.push('delta:6', 'key:7');
    t.setBuffered(500);
    t.push('delta:8', 'key:9', 'delta:10', 'audio:11');
    expect(t.sent).toEqual(['key:1', 'delta:2', 'config:v', 'key:9', 'delta:10', 'audio:11']);
    expect(t.events).toEqual(['stall 1001', 'resume after 6']);
    expect(t.guard.stats).toEqual({ dropped: 6, stalls: 1 });
  });

  it('keeps the memory held for a stalled viewer bounded', () => {
    let held = 0;
    const guard = guardSend({
      send: (b) => (held += b.length),
      buffered: () => held, // a viewer that never reads
      kindOf: (b) => (b[0] === 1 ? 'key' : 'delta'),
      thresholdBytes: 10_000,
    });
    for (let i = 0; i < 10_000; i++) {
      guard.send(Buffer.alloc(500, i % 15 === 0 ? 1 : 0));
    }
    expect(held).toBeLessThanOrEqual(10_000 + 500);
  });
});
