import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureWebBuilt, startNetwork, Topology, type NetworkHandle } from '@bsm/launcher';
import type { Alarm } from '@bsm/protocol';
import type { Browser, Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { launchBrowser } from './support/browser.js';
import { AlarmConsolePage } from './pages/alarm-console-page.js';
import { LoginPage } from './pages/login-page.js';
import { MapWallPage } from './pages/map-wall-page.js';
import { UserAdminPage } from './pages/user-admin-page.js';

/** The branch's name as its agent reports it; it also makes its staff's display name (`<name> 员工`). */
const BRANCH_NAME = '<img src=x onerror=alert("branch")><script>alert(2)</script>';
const ALARM_TEXT = '<svg onload=alert("text")></svg>营业厅';
const NOTE = '<img src=x onerror=alert("note")><b>已核实</b>';

/**
 * Markup from a branch (its name, an alarm's text) and from an officer (a
 * note) shown on the consoles: the map wall's node and alarm lists, the
 * alarm console's queue, detail and history, and the security
 * administrator's user list. Each shows the text as written, and no script
 * in it runs: no dialog opens and no element of the payload appears.
 */
describe('markup injection in the browser', () => {
  let net: NetworkHandle;
  let browser: Browser;
  let dir: string;
  const pages: Page[] = [];
  const dialogs: string[] = [];

  const signIn = async (username: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    pages.push(page);
    page.on('dialog', (dialog: Dialog) => {
      dialogs.push(`${username}: ${dialog.type()} ${dialog.message()}`);
      void dialog.dismiss();
    });
    const login = new LoginPage(page);
    await login.open(net.centers.get('xp')?.url ?? '');
    await login.logIn(username, net.topology.demoPassword);
    return page;
  };

  /** Elements the payloads would create if they were parsed as HTML. */
  const injected = (page: Page): Promise<number> =>
    page.locator('img[src="x"], #root script, #root b, [onerror], [onload]').count();

  beforeAll(async () => {
    await ensureWebBuilt(() => undefined);
    dir = mkdtempSync(join(tmpdir(), 'bsm-e2e-xss-'));
    chmodSync(dir, 0o755);
    const port = (): Promise<number> => freePort();
    const topology = Topology.parse({
      name: 'e2e xss',
      dataDir: dir,
      postgres: { embeddedPort: await port() },
      cameras: { rtspPort: await port(), controlPort: await port() },
      simulator: { alarmsPerHour: 0 },
      backups: { enabled: false },
      centers: [
        {
          id: 'xp',
          name: '福建省分行安防监控中心',
          tier: 1,
          lat: 26.07,
          lon: 119.29,
          httpPort: await port(),
          mqttPort: await port(),
        },
      ],
      branches: [
        { id: 'xp-a', name: BRANCH_NAME, center: 'xp', lat: 26.08, lon: 119.29, agentPort: await port(), kit: 'small' },
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

  it("shows a branch's name, an alarm's text and an officer's note as text, running none of them", async () => {
    const page = await signIn('xp-op');
    // The listener sees a script's dialog: one from the test itself, then none from the console's data.
    await page.evaluate('window.alert("canary")');
    expect(dialogs.splice(0)).toEqual(['xp-op: alert canary']);
    const wall = new MapWallPage(page);
    await wall.waitUntilLive();
    await wall.showNodeList();
    const row = page.locator('[data-testid="node-row"][data-node-id="xp-a"][data-state="online"]');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.innerText()).toContain(BRANCH_NAME);

    const res = await fetch(`${net.branches.get('xp-a')?.agentUrl ?? ''}/alarms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'intrusion', zone: '03', text: ALARM_TEXT }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as Alarm;
    await wall.showAlarmList();
    await wall.alarmRow(id).waitFor();
    expect(await wall.alarmRow(id).innerText()).toContain(BRANCH_NAME);

    const alarms = new AlarmConsolePage(page);
    await alarms.open();
    await alarms.select(id);
    expect(await alarms.row(id).innerText()).toContain(BRANCH_NAME);
    expect(await alarms.detail().innerText()).toContain(ALARM_TEXT);
    await alarms.acknowledge();
    await alarms.addNote(NOTE);
    const note = page.locator('[data-testid="history-event"][data-action="note"] .history__note');
    expect(await note.innerText()).toBe(NOTE);

    expect(await injected(page)).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it("shows the branch staff's display name and jurisdiction as text on the security administrator's list", async () => {
    const page = await signIn('xp-secadmin');
    const admin = new UserAdminPage(page);
    await admin.waitLoaded();
    const row = admin.row('xp-a-staff');
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain(`${BRANCH_NAME} 员工`);
    expect(await injected(page)).toBe(0);
    expect(dialogs).toEqual([]);
  });
});
