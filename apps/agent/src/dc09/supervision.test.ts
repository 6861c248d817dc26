import { describe, expect, it } from 'vitest';
import { LinkSupervisor } from './supervision.js';

describe('LinkSupervisor', () => {
  it('reports a watched panel once when it falls silent, and again only after it spoke', async () => {
    const events: string[] = [];
    const supervisor = new LinkSupervisor(
      [
        { account: '1234', supervisionSec: 60 },
        { account: '777', supervisionSec: 0 },
      ],
      0,
      {
        onSilent: (account, sec) => {
          events.push(`silent ${account} ${sec}`);
          return Promise.resolve();
        },
        onBack: (account) => events.push(`back ${account}`),
      },
    );
    expect(supervisor.shortestPeriodSec).toBe(60);
    supervisor.check(60_000);
    expect(events).toEqual([]);
    supervisor.check(61_000);
    supervisor.check(90_000);
    expect(events).toEqual(['silent 1234 61']);
    supervisor.seen('1234', 100_000);
    supervisor.seen('777', 100_000);
    expect(events).toEqual(['silent 1234 61', 'back 1234']);
    supervisor.check(150_000);
    expect(events).toHaveLength(2);
    supervisor.check(170_000);
    expect(events.at(-1)).toBe('silent 1234 70');
    expect(supervisor.status()).toEqual([
      { account: '1234', lastSeenAt: new Date(100_000).toISOString(), supervisionSec: 60, silent: true },
      { account: '777', lastSeenAt: new Date(100_000).toISOString(), supervisionSec: 0, silent: false },
    ]);
    await Promise.resolve();
  });

  it('tries again at the next check when the silence could not be reported', async () => {
    let calls = 0;
    const supervisor = new LinkSupervisor([{ account: '1234', supervisionSec: 10 }], 0, {
      onSilent: () => {
        calls += 1;
        return Promise.reject(new Error('outbox closed'));
      },
      onBack: () => undefined,
    });
    supervisor.check(11_000);
    await new Promise((resolve) => setImmediate(resolve));
    supervisor.check(12_000);
    expect(calls).toBe(2);
  });
});
