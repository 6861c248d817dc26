import { describe, expect, it } from 'vitest';
import { LinkBudget, streamKey, type StreamRequest } from './link-budget.js';

// SPEC T3/V1: a branch may use 1 Mbit/s of its 2 Mbit/s link; a CIF stream needs 256 kbit/s, 1.5× in practice.
const CIF = { profile: 'sub' as const, kbps: 384 };
const D1 = { profile: 'main' as const, kbps: 1152 };

const budget = (): LinkBudget => {
  let t = 0;
  return new LinkBudget(
    (link) => (link.startsWith('branch:') ? 1000 : 8000),
    () => ++t,
  );
};

const req = (camera: string, over: Partial<StreamRequest> = {}): StreamRequest => ({
  cameraId: camera,
  cameraName: `摄像机 ${camera}`,
  options: [CIF],
  purpose: 'live',
  heldBy: 'fz-op@fz',
  links: ['branch:b1', 'center:fz'],
  ...over,
});

describe('link budget', () => {
  it('admits two CIF streams on a branch link and refuses the third, naming who uses the link', () => {
    const b = budget();
    expect(b.request(req('b1.cam1')).ok).toBe(true);
    expect(b.request(req('b1.cam2', { heldBy: 'fj-op@fj' })).ok).toBe(true);
    const third = b.request(req('b1.cam3'));
    expect(third.ok).toBe(false);
    if (third.ok) {
      return;
    }
    expect(third.link.link).toBe('branch:b1');
    expect(third.link.usedKbps).toBe(768);
    expect(third.link.capacityKbps).toBe(1000);
    expect(third.link.streams.map((s) => [s.cameraId, s.heldBy])).toEqual([
      ['b1.cam1', 'fz-op@fz'],
      ['b1.cam2', 'fj-op@fj'],
    ]);
  });

  it('carries a camera once however many watch it', () => {
    const b = budget();
    b.request(req('b1.cam1'));
    const again = b.request(req('b1.cam1', { heldBy: 'fj-op@fj' }));
    expect(again.ok && again.shared).toBe(true);
    expect(b.usage('branch:b1').usedKbps).toBe(384);
  });

  it('falls back to the sub-stream when the main one does not fit', () => {
    const b = budget();
    const granted = b.request(req('b1.cam1', { options: [D1, CIF] }));
    expect(granted.ok && granted.claim.profile).toBe('sub');
  });

  it('lets alarm video pre-empt routine viewing, least urgent and newest first', () => {
    const b = budget();
    b.request(req('b1.cam1', { purpose: 'live' }));
    b.request(req('b1.cam2', { purpose: 'playback' }));
    const alarm = b.request(req('b1.cam3', { purpose: 'alarm' }));
    expect(alarm.ok).toBe(true);
    expect(alarm.ok && alarm.preempted.map((p) => p.key)).toEqual([streamKey('b1.cam2', 'sub')]);
    expect(
      b
        .active()
        .map((c) => c.cameraId)
        .sort(),
    ).toEqual(['b1.cam1', 'b1.cam3']);
  });

  it('never pre-empts a stream as urgent as the request', () => {
    const b = budget();
    b.request(req('b1.cam1', { purpose: 'alarm' }));
    b.request(req('b1.cam2', { purpose: 'alarm' }));
    expect(b.request(req('b1.cam3', { purpose: 'alarm' })).ok).toBe(false);
    expect(b.request(req('b1.cam4', { purpose: 'live' })).ok).toBe(false);
  });

  it('frees the link when a stream is released', () => {
    const b = budget();
    b.request(req('b1.cam1'));
    b.request(req('b1.cam2'));
    b.release(streamKey('b1.cam1', 'sub'));
    expect(b.request(req('b1.cam3')).ok).toBe(true);
  });

  it('checks every link on the way: a full city uplink refuses even when the branch has room', () => {
    const b = new LinkBudget((link) => (link === 'center:fz' ? 500 : 1000));
    expect(b.request(req('b1.cam1')).ok).toBe(true);
    const other = b.request(req('b2.cam1', { links: ['branch:b2', 'center:fz'] }));
    expect(!other.ok && other.link.link).toBe('center:fz');
  });
});
