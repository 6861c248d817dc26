import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signIn, startNetwork, Topology, type NetworkHandle } from '@bsm/launcher';
import { LoginResponse, SsoTicketResponse, type MeResponse } from '@bsm/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

/**
 * Single sign-on across three tiers on real processes: a provincial officer
 * opens the city and the county consoles without signing in again, a ticket
 * works once and only where it was meant to, and signing out at the province
 * ends the sessions below.
 */
describe('single sign-on down the tree', () => {
  let net: NetworkHandle;
  let dir: string;
  const url = (center: string): string => net.centers.get(center)?.url ?? '';

  const post = (base: string, path: string, body: unknown, cookie = ''): Promise<Response> =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify(body),
    });
  const ticketFor = async (from: string, cookie: string, center: string): Promise<string> => {
    const res = await post(url(from), '/api/auth/sso-ticket', { center }, cookie);
    expect(res.status, await res.clone().text()).toBe(200);
    const { url: consoleUrl } = SsoTicketResponse.parse(await res.json());
    expect(consoleUrl.startsWith(`${url(center)}/#sso=`)).toBe(true);
    return consoleUrl.slice(consoleUrl.indexOf('#sso=') + 5);
  };
  const openWith = async (center: string, ticket: string): Promise<{ status: number; cookie: string }> => {
    const res = await post(url(center), '/api/auth/sso', { ticket });
    return { status: res.status, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
  };
  const me = async (center: string, cookie: string): Promise<{ status: number; body: MeResponse | null }> => {
    const res = await fetch(`${url(center)}/api/me`, { headers: { cookie } });
    return { status: res.status, body: res.ok ? ((await res.json()) as MeResponse) : null };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bsm-sso-'));
    chmodSync(dir, 0o755);
    const port = (): Promise<number> => freePort();
    const topology = Topology.parse({
      name: 'sso test',
      dataDir: dir,
      postgres: { embeddedPort: await port() },
      cameras: { rtspPort: await port(), controlPort: await port() },
      simulator: { alarmsPerHour: 0 },
      centers: [
        { id: 'sp', name: '省中心', tier: 1, lat: 26.07, lon: 119.29, httpPort: await port(), mqttPort: await port() },
        {
          id: 'sc',
          name: '市中心',
          tier: 2,
          parent: 'sp',
          lat: 26.08,
          lon: 119.3,
          httpPort: await port(),
          mqttPort: await port(),
        },
        {
          id: 'sk',
          name: '县中心',
          tier: 3,
          parent: 'sc',
          lat: 26.09,
          lon: 119.31,
          httpPort: await port(),
          mqttPort: await port(),
        },
        {
          id: 'so',
          name: '另一市中心',
          tier: 2,
          parent: 'sp',
          lat: 24.9,
          lon: 118.6,
          httpPort: await port(),
          mqttPort: await port(),
        },
      ],
      branches: [],
    });
    net = await startNetwork(topology, { serveWeb: false, restart: false, env: { LOG_LEVEL: 'warn' } });
    // The county center learns the province's key through the city center.
    // Signed in once: each sign-in of a user takes a fresh authenticator step, and a third one within a
    // 30 s step waits for the clock, which used to eat the whole wait.
    const { cookie } = await signIn(url('sp'), 'sp-super', net.topology.demoPassword);
    await waitFor(
      'the county console address at the province',
      async () => (await post(url('sp'), '/api/auth/sso-ticket', { center: 'sk' }, cookie)).status === 200,
      60_000,
      1_000,
    );
  });

  afterAll(async () => {
    await net?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the city and county consoles for a provincial officer, within what they may see there', async () => {
    const province = await signIn(url('sp'), 'sp-op', net.topology.demoPassword);
    const city = await openWith('sc', await ticketFor('sp', province.cookie, 'sc'));
    expect(city.status).toBe(200);
    const atCity = await me('sc', city.cookie);
    expect(atCity.body?.user).toMatchObject({
      username: 'sp-op@sp',
      role: 'operator',
      jurisdiction: 'sc',
      center: { id: 'sc' },
    });
    expect(atCity.body?.user.permissions).toEqual(province.user.permissions);
    expect((await fetch(`${url('sc')}/api/map`, { headers: { cookie: city.cookie } })).status).toBe(200);
    // Straight from the province to the county, two levels down.
    const county = await openWith('sk', await ticketFor('sp', province.cookie, 'sk'));
    expect(county.status).toBe(200);
    expect((await me('sk', county.cookie)).body?.user.jurisdiction).toBe('sk');
    // And from the city session on to the county: still the provincial officer.
    const chained = await openWith('sk', await ticketFor('sc', city.cookie, 'sk'));
    expect((await me('sk', chained.cookie)).body?.user.username).toBe('sp-op@sp');
  });

  it('takes a ticket once, only at the center it names, and never a forged one', async () => {
    const province = await signIn(url('sp'), 'sp-op', net.topology.demoPassword);
    const ticket = await ticketFor('sp', province.cookie, 'sc');
    expect((await openWith('so', ticket)).status).toBe(401); // another center's ticket
    expect((await openWith('sc', ticket)).status).toBe(200);
    expect((await openWith('sc', ticket)).status).toBe(401); // replayed
    const [head, payload, signature] = (await ticketFor('sp', province.cookie, 'sc')).split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const widened = Buffer.from(JSON.stringify({ ...claims, perms: ['login', 'users', 'audit'] })).toString(
      'base64url',
    );
    expect((await openWith('sc', `${head}.${widened}.${signature}`)).status).toBe(401);
    // A city center's ticket is not accepted by its parent: trust only runs down the tree.
    const city = await openWith('sc', await ticketFor('sp', province.cookie, 'sc'));
    const up = await post(url('sc'), '/api/auth/sso-ticket', { center: 'sp' }, city.cookie);
    expect(up.status).toBe(404);
  });

  it("refuses a ticket for a center outside the user's jurisdiction", async () => {
    const city = await signIn(url('sc'), 'sc-op', net.topology.demoPassword);
    const res = await post(url('sc'), '/api/auth/sso-ticket', { center: 'so' }, city.cookie);
    expect(res.status).toBe(404); // not below the city center at all
  });

  it('ends the sessions below when the officer signs out at the province', async () => {
    const province = await signIn(url('sp'), 'sp-op', net.topology.demoPassword);
    const city = await openWith('sc', await ticketFor('sp', province.cookie, 'sc'));
    const county = await openWith('sk', await ticketFor('sp', province.cookie, 'sk'));
    const chained = await openWith('sk', await ticketFor('sc', city.cookie, 'sk'));
    const other = await signIn(url('sp'), 'sp-super', net.topology.demoPassword);
    const otherCity = await openWith('sc', await ticketFor('sp', other.cookie, 'sc'));
    expect((await post(url('sp'), '/api/auth/logout', {}, province.cookie)).status).toBe(204);
    for (const [center, cookie] of [
      ['sc', city.cookie],
      ['sk', county.cookie],
      ['sk', chained.cookie],
    ] as const) {
      await waitFor(
        `the session at ${center} ended`,
        async () => (await me(center, cookie)).status === 401,
        10_000,
        100,
      );
    }
    // Someone else's session stays.
    expect((await me('sc', otherCity.cookie)).status).toBe(200);
  });

  it('ends a county session when the county was down at the sign-out, even after the city center restarted', async () => {
    const province = await signIn(url('sp'), 'sp-op', net.topology.demoPassword);
    const city = await openWith('sc', await ticketFor('sp', province.cookie, 'sc'));
    const county = await openWith('sk', await ticketFor('sp', province.cookie, 'sk'));
    await net.stopNode('sk');
    expect((await post(url('sp'), '/api/auth/logout', {}, province.cookie)).status).toBe(204);
    await waitFor('the city session ended', async () => (await me('sc', city.cookie)).status === 401, 10_000, 100);
    // The city center forgets nothing it was to pass on by restarting before the county comes back, even with
    // the province (which would tell it again) down meanwhile.
    await net.stopNode('sp');
    await net.stopNode('sc');
    await net.startNode('sc');
    await net.waitReady('sc');
    await net.startNode('sk');
    await net.waitReady('sk');
    try {
      await waitFor(
        'the county session ended',
        async () => (await me('sk', county.cookie)).status === 401,
        30_000,
        200,
      );
    } finally {
      await net.startNode('sp');
      await net.waitReady('sp');
    }
  });

  it('refuses a ticket from a center the city does not trust', async () => {
    const res = await post(url('sc'), '/api/auth/sso', { ticket: 'eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJldmlsIn0.c2ln' });
    expect(res.status).toBe(401);
    expect(LoginResponse.safeParse(await res.json()).success).toBe(false);
  });
});
