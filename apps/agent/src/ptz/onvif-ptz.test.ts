import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { OnvifPtz } from './onvif-ptz.js';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 1;
}

describe('OnvifPtz', () => {
  it('reports an unreachable camera clearly, and tries again on the next command', async () => {
    const port = await closedPort();
    const ptz = new OnvifPtz('b1.dome', { kind: 'onvif', url: `http://127.0.0.1:${port}`, username: 'ptz' });
    const expected = {
      code: 'ptz_unreachable',
      message: expect.stringMatching(
        new RegExp(`^cannot reach the ONVIF service of b1\\.dome at 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
      ) as unknown,
    };
    await expect(ptz.move('left', 0.5)).rejects.toMatchObject(expected);
    await expect(ptz.preset('goto', 2)).rejects.toMatchObject(expected);
  });

  it('refuses iris before touching the network', async () => {
    const ptz = new OnvifPtz('b1.dome', { kind: 'onvif', url: 'http://127.0.0.1:1', username: 'ptz' });
    await expect(ptz.move('iris_open', 0.5)).rejects.toMatchObject({ code: 'unsupported_action' });
  });
});
