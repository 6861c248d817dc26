import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureWebBuilt, signIn as signInOverApi, startNetwork, Topology, type NetworkHandle } from '@bsm/launcher';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';
import { AuditLogPage } from './pages/audit-page.js';
import { LoginPage } from './pages/login-page.js';
import { launchBrowser } from './support/browser.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

/**
 * The auditor's console in Chromium: an auditor signs in and gets the audit
 * log instead of the monitoring screens, finds the failed sign-ins of an
 * officer, pages through the trail, downloads an export that verifies
 * offline, and at the provincial center reads the city center's copy.
 */
describe('the audit log in the browser', () => {
  let net: NetworkHandle;
  let browser: Browser;
  let dir: string;
  const pages: Page[] = [];

  const signIn = async (center: string, username: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 }, acceptDownloads: true });
    pages.push(page);
    const login = new LoginPage(page);
    await login.open(net.centers.get(center)?.url ?? '');
    await login.logIn(username, net.topology.demoPassword);
    return page;
  };

  /** The password step alone: a wrong password is refused there, and recorded. */
  const passwordStep = async (center: string, username: string, password: string): Promise<number> =>
    (
      await fetch(`${net.centers.get(center)?.url ?? ''}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      })
    ).status;

  beforeAll(async () => {
    await ensureWebBuilt(() => undefined);
    dir = mkdtempSync(join(tmpdir(), 'bsm-e2e-audit-'));
    chmodSync(dir, 0o755);
    const port = (): Promise<number> => freePort();
    const topology = Topology.parse({
      name: 'e2e audit',
      dataDir: dir,
      postgres: { embeddedPort: await port() },
      cameras: { rtspPort: await port(), controlPort: await port() },
      simulator: { alarmsPerHour: 0 },
      centers: [
        {
          id: 'ep',
          name: '福建省分行安防监控中心',
          tier: 1,
          lat: 26.07,
          lon: 119.29,
          httpPort: await port(),
          mqttPort: await port(),
        },
        {
          id: 'ec',
          name: '福州分行安防监控中心',
          tier: 2,
          parent: 'ep',
          lat: 26.08,
          lon: 119.3,
          httpPort: await port(),
          mqttPort: await port(),
        },
      ],
    });
    net = await startNetwork(topology, { restart: false, env: { LOG_LEVEL: 'warn' } });
    browser = await launchBrowser();
    // An officer's day at the city center: a sign-in, three mistyped passwords, and enough asking for
    // cameras (refused here: no such camera, recorded all the same) for more than one page.
    const officer = await signInOverApi(net.centers.get('ec')?.url ?? '', 'ec-op', topology.demoPassword);
    for (let i = 0; i < 60; i++) {
      if (i % 20 === 3) {
        expect(await passwordStep('ec', 'ec-op', 'not-the-password')).toBe(401);
        continue;
      }
      const play = await fetch(`${net.centers.get('ec')?.url ?? ''}/api/cameras/ec-x.cam${i}/play`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: officer.cookie },
        body: '{}',
      });
      expect(play.status).toBe(404);
    }
  });

  afterAll(async () => {
    for (const page of pages) {
      await page.close().catch(() => undefined);
    }
    await browser?.close();
    await net?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows an auditor the city center's trail, finds the failed sign-ins, pages and exports a file that verifies", async () => {
    const page = await signIn('ec', 'ec-auditor');
    const audit = new AuditLogPage(page);
    await audit.waitLoaded();
    expect(await page.getByTestId('nav-map-wall').count()).toBe(0); // no monitoring screens for an auditor
    // The newest first: the auditor's own sign-in is among the newest entries.
    const newest = await audit.rowViews();
    expect(newest.map((r) => r.seq)).toEqual([...newest.map((r) => r.seq)].sort((a, b) => b - a));
    expect(newest.slice(0, 3)).toContainEqual(
      expect.objectContaining({ action: 'auth.login', actor: 'ec-auditor', outcome: 'success' }),
    );

    await audit.search({ actor: 'ec-op', action: 'auth.login', outcome: 'failure' });
    const failed = await audit.rowViews();
    expect(failed).toHaveLength(3);
    expect(failed.every((r) => r.actor === 'ec-op' && r.outcome === 'failure')).toBe(true);
    await expect(page.getByTestId('audit-row').first().innerText()).resolves.toContain('失败');

    await audit.reset();
    const first = await audit.rowViews();
    expect(first).toHaveLength(50);
    await audit.older();
    expect(await audit.pageNumber()).toBe('第 2 页');
    const second = await audit.rowViews();
    expect(Math.max(...second.map((r) => r.seq))).toBeLessThan(Math.min(...first.map((r) => r.seq)));
    await audit.newer();
    expect(await audit.pageNumber()).toBe('第 1 页');
    // Back on the newest page, the auditor's own searches are in the trail too.
    const again = await audit.rowViews();
    expect(again[0]).toMatchObject({ action: 'audit.search', actor: 'ec-auditor', outcome: 'success' });
    expect(again.map((r) => r.seq)).toEqual(expect.arrayContaining(first.slice(0, 40).map((r) => r.seq)));

    const download = await audit.export('csv');
    expect(download.suggestedFilename()).toMatch(/^audit-ec-.*\.csv$/);
    const file = join(dir, download.suggestedFilename());
    await download.saveAs(file);
    const verified = await new Promise<{ code: number; out: string }>((done) => {
      execFile('npm', ['run', '--silent', 'audit:verify', '--', '--file', file], { cwd: REPO_ROOT }, (error, stdout) =>
        done({ code: typeof error?.code === 'number' ? error.code : 0, out: stdout }),
      );
    });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ ok: true, source: 'ec', firstSeq: 1 });
  });

  it("lets the provincial auditor read the city center's copy of its trail", async () => {
    const page = await signIn('ep', 'ep-auditor');
    const audit = new AuditLogPage(page);
    await audit.waitLoaded();
    // The copy goes up within seconds; a batch the province does not acknowledge is sent again after 10 s.
    await waitFor(
      "the city center's copy at the provincial center",
      async () => {
        await page.reload();
        await audit.waitLoaded();
        return (await page.locator('[data-testid="audit-source"] option[value="ec"]').count()) > 0;
      },
      60_000,
      1_000,
    ).catch(async (error: unknown) => {
      // Why not, as the two centers see it: their links and what the province refused.
      const health = async (center: string): Promise<string> =>
        JSON.stringify(await (await fetch(`${net.centers.get(center)?.url ?? ''}/api/health`)).json());
      throw new Error(`${String(error)}\nprovince: ${await health('ep')}\ncity: ${await health('ec')}`, {
        cause: error,
      });
    });
    await audit.chooseSource('ec');
    await audit.search({ actor: 'ec-op', action: 'auth.login', outcome: 'failure' });
    expect((await audit.rowViews()).map((r) => r.actor)).toEqual(['ec-op', 'ec-op', 'ec-op']);
  });
});
