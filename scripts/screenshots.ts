/**
 * Takes the screenshots in docs/screenshots/ from a running demo network
 * (`npm start` in another terminal):  npm run screenshots
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LoginPage } from '../test/e2e/pages/login-page.js';
import { UserAdminPage } from '../test/e2e/pages/user-admin-page.js';
import { launchBrowser } from '../test/e2e/support/browser.js';

const ROOT = resolve(import.meta.dirname, '..');
const network = JSON.parse(readFileSync(resolve(ROOT, '.data/demo/network.json'), 'utf8')) as {
  centers: Record<string, { url: string }>;
  branches: Record<string, { agentUrl: string }>;
};
const password = 'Demo@2026';
/** Lets animations and map tiles settle before a picture. */
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const out = (name: string): string => resolve(ROOT, 'docs/screenshots', name);

const browser = await launchBrowser(resolve(ROOT, '.data/demo/tls'));
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1 });
  const l1 = network.centers.fj?.url ?? '';
  await new LoginPage(page).open(l1);
  await page.screenshot({ path: out('login.png') });

  await new LoginPage(page).logIn('fj-op', password);
  await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor();

  // A panic alarm at a Quanzhou branch, so the wall shows one arriving.
  await fetch(`${network.branches['qz-fengze']?.agentUrl ?? ''}/alarms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'panic', inputId: 'qz-fengze.in-panic-counter', text: '柜台紧急按钮' }),
  });
  // Linkage puts the panic's cameras on the video wall by itself; back to the map for the picture.
  await page.getByTestId('video-wall').waitFor();
  await page.getByTestId('nav-map-wall').click();
  await page.locator('[data-testid="alarm-row"][data-origin="qz-fengze"]').first().waitFor();
  await settle(1500);
  await page.screenshot({ path: out('map-wall.png') });

  await page.locator('[data-testid="alarm-row"][data-origin="qz-fengze"]').first().click();
  await page.getByTestId('node-detail').waitFor();
  await settle(1500);
  await page.screenshot({ path: out('map-wall-branch-detail.png') });

  await page.getByTestId('tab-nodes').click();
  await page.getByTestId('lang-switch').click();
  await settle(1000);
  await page.screenshot({ path: out('map-wall-en.png') });
  await page.getByTestId('lang-switch').click();

  // The video wall of the Fuzhou city center, four cameras of two branches.
  const wall = await browser.newPage({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1 });
  const wallLogin = new LoginPage(wall);
  await wallLogin.open(network.centers.fz?.url ?? '');
  await wallLogin.logIn('fz-op', password);
  await wall.getByTestId('nav-video-wall').click();
  await wall.getByTestId('layout-4').click();
  for (const id of ['fz', 'fz-gulou', 'fz-taijiang']) {
    await wall.locator(`[data-testid="tree-node"][data-node-id="${id}"]`).first().click();
  }
  for (const id of ['fz-gulou.cam-hall', 'fz-gulou.cam-vault', 'fz-taijiang.cam-hall', 'fz-taijiang.cam-atm']) {
    await wall.locator(`[data-testid="tree-camera"][data-camera-id="${id}"]`).dblclick();
  }
  await wall.locator('[data-testid="cell-latency"]').nth(3).waitFor({ timeout: 30_000 });
  await settle(2000);
  await wall.screenshot({ path: out('video-wall.png') });

  // A panic pressed on the panel of a Fuzhou branch: the city center's alarm console, then the branch panel.
  const staff = await browser.newPage({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1 });
  const staffLogin = new LoginPage(staff);
  await staffLogin.open(network.centers.fz?.url ?? '');
  await staffLogin.logIn('fz-gulou-staff', password);
  await staff.locator('[data-testid="branch-panel"][data-load="ready"]').waitFor();
  await wall.getByTestId('nav-alarm-console').click();
  await wall.locator('[data-testid="alarm-console"][data-loaded="true"]').waitFor();
  await fetch(`${network.branches['fz-taijiang']?.agentUrl ?? ''}/alarms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'intrusion', inputId: 'fz-taijiang.in-pir-hall', text: '营业厅红外探测器' }),
  });
  await staff.getByTestId('raise-panic').click();
  await staff.getByTestId('raise-confirm').click();
  const panic = staff.locator('[data-testid="branch-alarm"][data-stage="received"]').first();
  await panic.waitFor();
  const panicId = (await panic.getAttribute('data-alarm-id')) ?? '';
  await wall.locator(`[data-testid="queue-row"][data-alarm-id="${panicId}"]`).click();
  await wall.getByTestId('alarm-action-acknowledge').click();
  await wall.locator('[data-testid="alarm-detail"][data-status="acknowledged"]').waitFor();
  await staff.locator(`[data-testid="branch-alarm"][data-alarm-id="${panicId}"][data-stage="handling"]`).waitFor();
  await settle(1500);
  await wall.screenshot({ path: out('alarm-console.png') });
  await staff.screenshot({ path: out('branch-panel.png') });

  // The provincial auditor reads the Fuzhou center's copy of its trail: the watching and handling above in it.
  const auditor = await browser.newPage({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1 });
  const auditorLogin = new LoginPage(auditor);
  await auditorLogin.open(l1);
  await auditorLogin.logIn('fj-auditor', password);
  await auditor.locator('[data-testid="audit-page"][data-load="ready"]').waitFor();
  await auditor.locator('[data-testid="audit-source"] option[value="fz"]').waitFor({ state: 'attached' });
  await auditor.getByTestId('audit-source').selectOption('fz');
  await auditor.locator('[data-testid="audit-page"][data-source="fz"][data-load="ready"]').waitFor();
  await settle(1000);
  await auditor.screenshot({ path: out('audit-log.png') });

  // The Fuzhou security administrator's user management: accounts, roles and jurisdictions, no video.
  const admin = await browser.newPage({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1 });
  const adminLogin = new LoginPage(admin);
  await adminLogin.open(network.centers.fz?.url ?? '');
  await adminLogin.logIn('fz-secadmin', password);
  await new UserAdminPage(admin).waitLoaded();
  await settle(1000);
  await admin.screenshot({ path: out('user-admin.png') });
} finally {
  await browser.close();
}
console.log('screenshots written to docs/screenshots/');
