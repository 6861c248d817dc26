import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureWebBuilt, startNetwork, Topology, type NetworkHandle } from '@bsm/launcher';
import type { Alarm } from '@bsm/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { launchBrowser } from './support/browser.js';
import { AlarmConsolePage } from './pages/alarm-console-page.js';
import { BranchPanelPage } from './pages/branch-panel-page.js';
import { LoginPage } from './pages/login-page.js';
import { MapWallPage } from './pages/map-wall-page.js';
import { VideoWallPage } from './pages/video-wall-page.js';

/** Acknowledgement deadline of both centers in this test (the product's default is 60 s). */
const DEADLINE_SEC = 6;

/**
 * An alarm from the branch's own panel to its closing, in Chromium: a branch
 * staff member presses panic; the city center's console sounds, flashes and
 * opens the linked cameras; an officer handles and closes it; the branch
 * panel follows every step. Then an alarm nobody handles reaches the
 * provincial officer once its deadline has passed.
 */
describe('alarm handling in the browser', () => {
  let net: NetworkHandle;
  let browser: Browser;
  let dir: string;
  const pages: Page[] = [];

  const signIn = async (center: string, username: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    pages.push(page);
    const login = new LoginPage(page);
    await login.open(net.centers.get(center)?.url ?? '');
    await login.logIn(username, net.topology.demoPassword);
    return page;
  };

  beforeAll(async () => {
    await ensureWebBuilt(() => undefined);
    dir = mkdtempSync(join(tmpdir(), 'bsm-e2e-alarms-'));
    chmodSync(dir, 0o755);
    const port = (): Promise<number> => freePort();
    const topology = Topology.parse({
      name: 'e2e alarms',
      dataDir: dir,
      postgres: { embeddedPort: await port() },
      cameras: { rtspPort: await port(), controlPort: await port() },
      simulator: { alarmsPerHour: 0 },
      centers: [
        {
          id: 'ap',
          name: '福建省分行安防监控中心',
          tier: 1,
          lat: 26.07,
          lon: 119.29,
          httpPort: await port(),
          mqttPort: await port(),
        },
        {
          id: 'ac',
          name: '福州分行安防监控中心',
          tier: 2,
          parent: 'ap',
          lat: 26.08,
          lon: 119.3,
          httpPort: await port(),
          mqttPort: await port(),
        },
      ],
      branches: [
        { id: 'ac-a', name: '鼓楼支行营业部', center: 'ac', lat: 26.08, lon: 119.29, agentPort: await port() },
      ],
    });
    net = await startNetwork(topology, {
      restart: false,
      env: { LOG_LEVEL: 'warn', BSM_CENTER__ALARMS__ACK_DEADLINE_SEC: String(DEADLINE_SEC) },
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await net?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('panic at the branch panel: the city console sounds, flashes and opens the video; handled and closed, the branch sees each step', async () => {
    const officerPage = await signIn('ac', 'ac-op');
    await new MapWallPage(officerPage).waitUntilLive();
    const alarmConsole = new AlarmConsolePage(officerPage);
    const panel = new BranchPanelPage(await signIn('ac', 'ac-a-staff'));
    await panel.waitLoaded();

    const alarmId = await panel.raise('panic');
    await panel.waitForStage(alarmId, 'received');

    // The officer was on the map wall: the panic button's cameras open on the video wall by themselves.
    const wall = new VideoWallPage(officerPage);
    await officerPage.getByTestId('video-wall').waitFor();
    for (const camera of ['ac-a.cam-counter', 'ac-a.cam-hall']) {
      await wall.cell(camera).and(officerPage.locator('[data-state="playing"]')).waitFor({ timeout: 30_000 });
    }
    expect(await alarmConsole.tone()).toBe('urgent');
    await expect.poll(() => alarmConsole.awaitingCount().innerText()).toBe('1');

    await alarmConsole.open();
    expect(await alarmConsole.row(alarmId).getAttribute('data-flashing')).toBe('true');
    await alarmConsole.select(alarmId);
    await alarmConsole.acknowledge();
    await panel.waitForStage(alarmId, 'handling');
    // The officer by name (the demo's are called after their center).
    expect(await panel.line(alarmId)).toContain('值班员');
    expect(await alarmConsole.row(alarmId).getAttribute('data-flashing')).toBe('false');
    await expect.poll(() => alarmConsole.tone()).toBe('none');

    await alarmConsole.verify();
    await alarmConsole.tickAllSteps();
    await alarmConsole.dispatch();
    await panel.waitForStage(alarmId, 'dispatched');
    await alarmConsole.reset();
    await alarmConsole.close('genuine', '经视频核实为真实求助，已通知 110，现场已处置');
    await panel.waitForStage(alarmId, 'closed');
    expect(await panel.line(alarmId)).toContain('真实报警');
  });

  it('an alarm nobody acknowledges reaches the provincial console after its deadline', async () => {
    const provincial = new AlarmConsolePage(await signIn('ap', 'ap-op'));
    await new MapWallPage(provincial.page).waitUntilLive();
    await provincial.open();

    const raisedAt = Date.now();
    const res = await fetch(`${net.branches.get('ac-a')?.agentUrl ?? ''}/alarms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'intrusion', zone: '03', text: '营业厅红外探测器触发' }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as Alarm;

    // Until its deadline it is the city center's: level 1 sees it among the others' alarms.
    await provincial.showOthers();
    await provincial.row(id).waitFor();
    await provincial.showResponsible();
    await provincial.row(id).waitFor({ timeout: (DEADLINE_SEC + 10) * 1000 });
    const arrivedAfterMs = Date.now() - raisedAt;
    expect(arrivedAfterMs).toBeGreaterThanOrEqual(DEADLINE_SEC * 1000);
    expect(arrivedAfterMs).toBeLessThan((DEADLINE_SEC + 5) * 1000);
    await provincial.badge(id, 'escalatedHere').waitFor();
    expect(await provincial.row(id).getAttribute('data-flashing')).toBe('true');
    expect(await provincial.tone()).not.toBe('none');
  });
});
