import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureWebBuilt, freshTotpCode, startNetwork, Topology, type NetworkHandle } from '@bsm/launcher';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { launchBrowser } from './support/browser.js';
import { LoginPage } from './pages/login-page.js';
import { MapWallPage } from './pages/map-wall-page.js';
import { UserAdminPage } from './pages/user-admin-page.js';

/**
 * Security in the browser: a user the security administrator created
 * enrols an authenticator and signs in with it; the administrator sees no
 * video; a provincial officer opens the city console without signing in
 * again, and signing out at the province ends the city session too.
 */
describe('security in the browser', () => {
  let net: NetworkHandle;
  let browser: Browser;
  let dir: string;
  const url = (center: string): string => net.centers.get(center)?.url ?? '';
  const contexts: BrowserContext[] = [];
  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    contexts.push(context);
    return context.newPage();
  };

  beforeAll(async () => {
    await ensureWebBuilt(() => undefined);
    dir = mkdtempSync(join(tmpdir(), 'bsm-e2e-security-'));
    chmodSync(dir, 0o755);
    const port = (): Promise<number> => freePort();
    const topology = Topology.parse({
      name: 'e2e security',
      dataDir: dir,
      postgres: { embeddedPort: await port() },
      cameras: { rtspPort: await port(), controlPort: await port() },
      simulator: { alarmsPerHour: 0 },
      centers: [
        {
          id: 'kp',
          name: '福建省分行安防监控中心',
          tier: 1,
          lat: 26.07,
          lon: 119.29,
          httpPort: await port(),
          mqttPort: await port(),
        },
        {
          id: 'kc',
          name: '福州分行安防监控中心',
          tier: 2,
          parent: 'kp',
          lat: 26.08,
          lon: 119.3,
          httpPort: await port(),
          mqttPort: await port(),
        },
      ],
      branches: [
        { id: 'kc-a', name: '鼓楼支行营业部', center: 'kc', lat: 26.08, lon: 119.29, agentPort: await port() },
      ],
    });
    net = await startNetwork(topology, { restart: false, env: { LOG_LEVEL: 'warn' } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const c of contexts) {
      await c.close();
    }
    await browser?.close();
    await net?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a new user enrols an authenticator from the QR screen, keeps the recovery codes and signs in with codes', async () => {
    const adminPage = await newPage();
    const adminLogin = new LoginPage(adminPage);
    await adminLogin.open(url('kc'));
    await adminLogin.logIn('kc-secadmin', net.topology.demoPassword);
    const admin = new UserAdminPage(adminPage);
    await admin.waitLoaded();
    await admin.create({ username: 'zhou.min', displayName: '周敏', role: 'operator', password: 'Night-Shift-42' });
    expect(await admin.row('zhou.min').getAttribute('data-role')).toBe('operator');

    const page = await newPage();
    const login = new LoginPage(page);
    await login.open(url('kc'));
    await login.submitPassword('zhou.min', 'Night-Shift-42');
    await page.locator('[data-testid="login-page"][data-stage="enroll"]').waitFor();
    // The QR code is an image drawn by the center; the same secret is shown for typing in.
    expect(await page.getByTestId('login-enroll-qr').getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    const secret = (await page.getByTestId('login-enroll-secret').getAttribute('data-secret')) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await login.submitCode('zhou.min', secret);
    await page.locator('[data-testid="login-page"][data-stage="recovery"]').waitFor();
    expect(await page.getByTestId('login-recovery-codes').locator('li').count()).toBe(10);
    await page.getByTestId('login-submit').click();
    await new MapWallPage(page).waitUntilLive();

    await page.getByTestId('logout').click();
    await page.locator('[data-testid="login-page"][data-stage="password"]').waitFor();
    await login.submitPassword('zhou.min', 'Night-Shift-42');
    await page.locator('[data-testid="login-page"][data-stage="code"]').waitFor();
    await page.getByTestId('login-code').fill('000000');
    await page.getByTestId('login-submit').click();
    expect(await login.error()).toContain('动态码错误');
    await page.getByTestId('login-code').fill(await freshTotpCode(`${url('kc')} zhou.min`, secret));
    await page.getByTestId('login-submit').click();
    await new MapWallPage(page).waitUntilLive();
  });

  it('shows a security administrator user management and no video, alarms or map', async () => {
    const page = await newPage();
    const login = new LoginPage(page);
    await login.open(url('kp'));
    await login.logIn('kp-secadmin', net.topology.demoPassword);
    await new UserAdminPage(page).waitLoaded();
    expect(await page.getByTestId('nav-video-wall').count()).toBe(0);
    expect(await page.getByTestId('map-wall').count()).toBe(0);
    // Asking the center directly gets the same answer.
    const answers = await page.evaluate(async () => {
      const play = await fetch('/api/cameras/kc-a.cam-hall/play', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      const alarms = await fetch('/api/alarms');
      return [play.status, alarms.status];
    });
    expect(answers).toEqual([403, 403]);
  });

  it('a provincial officer opens the city console without signing in again; signing out at the province ends it', async () => {
    const page = await newPage();
    const login = new LoginPage(page);
    await login.open(url('kp'));
    await login.logIn('kp-op', net.topology.demoPassword);
    const wall = new MapWallPage(page);
    await wall.waitUntilLive();
    await wall.showNodeList();
    await wall.nodeRow('kc').click();
    await page.locator('[data-testid="node-detail"][data-node-id="kc"]').waitFor();
    // What the pages asked of the centers, to tell why the city console did not open if it does not.
    const exchanges: string[] = [];
    page.context().on('response', (r) => {
      if (r.url().includes('/api/')) {
        exchanges.push(`${r.status()} ${r.request().method()} ${r.url().replace(/#.*/, '')}`);
      }
    });
    page.context().on('console', (message) => exchanges.push(`console ${message.type()}: ${message.text()}`));
    page
      .context()
      .on('page', (opened) =>
        opened.on('framenavigated', (frame) => exchanges.push(`navigated to ${frame.url().slice(0, 60)}`)),
      );
    const [cityPage] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByTestId('open-center-console').click(),
    ]);
    const city = new MapWallPage(cityPage);
    await city.waitUntilLive().catch(async (error: unknown) => {
      const shown = await cityPage.locator('body').innerText();
      throw new Error(`the city console did not open at ${cityPage.url()}: ${shown}\n${exchanges.join('\n')}`, {
        cause: error,
      });
    });
    expect(await city.centerName()).toBe('福州分行安防监控中心');
    expect(await cityPage.getByTestId('current-user').innerText()).toContain('福建省分行安防监控中心 值班员');
    expect(await cityPage.getByTestId('login-page').count()).toBe(0);

    await page.getByTestId('logout').click();
    await page.getByTestId('login-page').waitFor();
    // The city console is told its session ended and returns to its sign-in.
    await cityPage.getByTestId('login-page').waitFor({ timeout: 10_000 });
    expect(await cityPage.evaluate(async () => (await fetch('/api/me')).status)).toBe(401);
  });
});
