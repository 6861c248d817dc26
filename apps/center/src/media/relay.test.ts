import { describe, expect, it } from 'vitest';
import { relayArgs } from './relay.js';
import { backoffDelay } from './supervised-process.js';

describe('relay command line', () => {
  it('copies the child stream into our own server without buffering', () => {
    expect(
      relayArgs({
        source: 'http://10.0.0.2:8000/live/fzXsub.flv?exp=1&sig=ab',
        target: 'rtmp://127.0.0.1:1935/live/fzXsub?exp=2&sig=cd',
      }),
    ).toEqual([
      '-hide_banner',
      '-loglevel',
      'warning',
      '-fflags',
      'nobuffer',
      '-probesize',
      '65536',
      '-analyzeduration',
      '500000',
      '-rw_timeout',
      '5000000',
      '-i',
      'http://10.0.0.2:8000/live/fzXsub.flv?exp=1&sig=ab',
      '-c',
      'copy',
      '-f',
      'flv',
      'rtmp://127.0.0.1:1935/live/fzXsub?exp=2&sig=cd',
    ]);
  });

  it('takes another I/O timeout', () => {
    const args = relayArgs({ source: 's', target: 't', ioTimeoutMs: 2000 });
    expect(args[args.indexOf('-rw_timeout') + 1]).toBe('2000000');
  });
});

describe('restart back-off', () => {
  it('doubles from the first delay up to the cap', () => {
    const b = { initialMs: 500, maxMs: 15_000, healthyAfterMs: 10_000 };
    expect([0, 1, 2, 3, 4, 5, 6, 60].map((n) => backoffDelay(n, b))).toEqual([
      500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000,
    ]);
  });
});
