import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureWebBuilt, startNetwork, Topology, type NetworkHandle } from '@bsm/launcher';
import type { Alarm } from '@bsm/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { launchBrowser } from './support/browser.js';
import { LoginPage } from './pages/login-page.js';
import { MapWallPage } from './pages/map-wall-page.js';

/** Officers at three tiers of a running network, in Chromium. */
describe('map wall in the browser', () => {
  let net: NetworkHandle;
  let browser: Browser;
  let dir: string;
  const pages: Page[] = [];

  const consoleOf = async (center: string, username: string): Promise<MapWallPage> => {
    const page = await browser.newPage();
    pages.push(page);
    const login = new LoginPage(page);
    await login.open(net.centers.get(center)?.url ?? '');
    await login.logIn(username, net.topology.demoPassword);
    const wall = new MapWallPage(page);
    await wall.waitUntilLive();
    return wall;
  };

  beforeAll(async () => {
    await ensureWebBuilt(() => undefined);
    dir = mkdtempSync(join(tmpdir(), 'bsm-e2e-'));
    chmodSync(dir, 0o755);
    const port = (): Promise<number> => freePort();
    const topology = Topology.parse({
      name: 'e2e',
      dataDir: dir,
      postgres: { embeddedPort: await port() },
      cameras: { rtspPort: await port(), controlPort: await port() },
      simulator: { alarmsPerHour: 0 },
      centers: [
        {
          id: 'te1',
          name: '福建省分行安防监控中心',
          tier: 1,
          lat: 26.07,
          lon: 119.29,
          httpPort: await port(),
          mqttPort: await port(),
          mapZoom: 7,
        },
        {
          id: 'te2',
          name: '泉州分行安防监控中心',
          tier: 2,
          parent: 'te1',
          lat: 24.87,
          lon: 118.67,
          httpPort: await port(),
          mqttPort: await port(),
        },
        {
          id: 'te3',
          name: '晋江支行安防监控中心',
          tier: 3,
          parent: 'te2',
          lat: 24.78,
          lon: 118.55,
          httpPort: await port(),
          mqttPort: await port(),
        },
      ],
      branches: [
        { id: 'te-yyb', name: '省分行营业部', center: 'te1', lat: 26.08, lon: 119.3, agentPort: await port() },
        { id: 'te-licheng', name: '鲤城支行', center: 'te2', lat: 24.91, lon: 118.59, agentPort: await port() },
        { id: 'te-anhai', name: '晋江安海支行', center: 'te3', lat: 24.72, lon: 118.47, agentPort: await port() },
      ],
    });
    net = await startNetwork(topology, { restart: false, env: { LOG_LEVEL: 'warn' } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await net?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a wrong password with a message in Chinese', async () => {
    const page = await browser.newPage();
    pages.push(page);
    const login = new LoginPage(page);
    await login.open(net.centers.get('te1')?.url ?? '');
    await login.submitPassword('te1-op', 'wrong-password');
    expect(await login.error()).toContain('用户名或密码错误');
  });

  it('shows every branch of the province online on the level-1 map wall', async () => {
    const wall = await consoleOf('te1', 'te1-op');
    expect(await wall.centerName()).toContain('福建省分行安防监控中心');
    await wall.showNodeList();
    for (const id of ['te-yyb', 'te-licheng', 'te-anhai']) {
      await wall.page
        .locator(`[data-testid="node-row"][data-node-id="${id}"][data-state="online"]`)
        .waitFor({ timeout: 30_000 });
    }
    expect(await wall.nodeRows().count()).toBe(6); // three centers, three branches
  });

  it('an alarm raised at a branch under the level-3 center appears on the level-3, level-2 and level-1 consoles', async () => {
    const walls = [
      await consoleOf('te3', 'te3-op'),
      await consoleOf('te2', 'te2-op'),
      await consoleOf('te1', 'te1-op'),
    ];
    const res = await fetch(`${net.branches.get('te-anhai')?.agentUrl ?? ''}/alarms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'panic', text: '柜台紧急按钮' }),
    });
    expect(res.status).toBe(201);
    const alarm = (await res.json()) as Alarm;
    for (const wall of walls) {
      const row = wall.alarmRow(alarm.id);
      await row.waitFor({ timeout: 15_000 });
      expect(await row.getAttribute('data-origin')).toBe('te-anhai');
      expect(await row.innerText()).toContain('晋江安海支行');
    }
    const provincial = walls[2];
    await provincial?.showNodeList();
    await provincial?.page
      .locator('[data-testid="node-row"][data-node-id="te-anhai"][data-state="alarm"]')
      .waitFor({ timeout: 10_000 });
  });

  it('switches the console to English and back', async () => {
    const wall = await consoleOf('te2', 'te2-op');
    const before = await wall.page.getByTestId('tab-nodes').innerText();
    await wall.page.getByTestId('lang-switch').click();
    await expect.poll(() => wall.page.getByTestId('tab-nodes').innerText()).not.toBe(before);
    expect(await wall.page.getByTestId('tab-nodes').innerText()).toMatch(/[A-Za-z]/);
  });
});
