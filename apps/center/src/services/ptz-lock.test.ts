import { describe, expect, it } from 'vitest';
import { PtzLocks } from './ptz-lock.js';

describe('PTZ control lock', () => {
  const setup = (): { locks: PtzLocks; advance: (ms: number) => void } => {
    let t = 1_000_000;
    return { locks: new PtzLocks(30_000, () => t), advance: (ms) => (t += ms) };
  };
  const cityA = { holder: 'fz-op@fz', tier: 2 as const };
  const cityB = { holder: 'fz-super@fz', tier: 2 as const };
  const province = { holder: 'fj-op@fj', tier: 1 as const };

  it('keeps the camera with the officer steering it; another officer of the same tier waits', () => {
    const { locks } = setup();
    expect(locks.acquire('cam', cityA).granted).toBe(true);
    const refused = locks.acquire('cam', cityB);
    expect(refused.granted).toBe(false);
    expect(refused.lock.holder).toBe('fz-op@fz');
    expect(locks.acquire('cam', cityA).granted).toBe(true); // the holder keeps steering
  });

  it('lets a higher tier take over at once, and says from whom', () => {
    const { locks } = setup();
    locks.acquire('cam', cityA);
    const takeover = locks.acquire('cam', province);
    expect(takeover).toMatchObject({ granted: true, tookOverFrom: 'fz-op@fz' });
    expect(locks.acquire('cam', cityA).granted).toBe(false);
  });

  it('lapses after 30 s without a command', () => {
    const { locks, advance } = setup();
    locks.acquire('cam', province);
    advance(29_000);
    expect(locks.acquire('cam', cityA).granted).toBe(false);
    advance(31_000);
    expect(locks.current('cam')).toBeNull();
    expect(locks.acquire('cam', cityA).granted).toBe(true);
  });

  it('each command extends the lock', () => {
    const { locks, advance } = setup();
    locks.acquire('cam', cityA);
    advance(20_000);
    locks.acquire('cam', cityA);
    advance(20_000);
    expect(locks.acquire('cam', cityB).granted).toBe(false);
  });

  it('is released by its holder only', () => {
    const { locks } = setup();
    locks.acquire('cam', cityA);
    locks.release('cam', 'fz-super@fz');
    expect(locks.current('cam')?.holder).toBe('fz-op@fz');
    locks.release('cam', 'fz-op@fz');
    expect(locks.current('cam')).toBeNull();
  });
});
