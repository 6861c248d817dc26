import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SupervisedProcess, type ExitInfo } from './supervised-process.js';

const node = process.execPath;
const running: SupervisedProcess[] = [];

function supervise(script: string, options: Partial<ConstructorParameters<typeof SupervisedProcess>[0]> = {}) {
  const p = new SupervisedProcess({ command: node, args: ['-e', script], ...options });
  running.push(p);
  return p;
}

function until<T>(p: SupervisedProcess, event: 'exit' | 'spawn' | 'state'): Promise<T> {
  return new Promise((resolve) => p.once(event, (...args: unknown[]) => resolve(args[0] as T)));
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

describe('SupervisedProcess', () => {
  it('restarts with exponential back-off, capped, and gives up after maxFailures', async () => {
    const p = supervise('console.error("camera said no"); process.exit(3)', {
      backoff: { initialMs: 20, maxMs: 80, factor: 2, stableMs: 10_000 },
      maxFailures: 6,
    });
    const delays: number[] = [];
    p.on('backoff', (delayMs) => delays.push(delayMs));
    const failed = new Promise<void>((resolve) => p.on('state', (s) => s === 'failed' && resolve()));
    p.start();
    await failed;
    expect(delays).toEqual([20, 40, 80, 80, 80]);
    expect(p.restarts).toBe(5);
    expect(p.lastError).toBe('camera said no (exit code 3)');
    // A new start tries again from the beginning.
    p.start();
    expect(p.state).toBe('running');
  });

  it('starts over from the initial delay after a stable run', async () => {
    // A child that exits at once, except on its third run, which lasts 1.5 s (longer than stableMs). A quick run
    // includes node's start-up, which on a loaded machine takes a few hundred ms: stableMs leaves room for it.
    const dir = mkdtempSync(join(tmpdir(), 'bsm-sp-'));
    try {
      const counter = join(dir, 'runs');
      const p = supervise(
        `const fs = require('fs'); let n = 0; try { n = Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')); } catch {}
         fs.writeFileSync(${JSON.stringify(counter)}, String(n + 1));
         setTimeout(() => process.exit(1), n === 2 ? 1500 : 0);`,
        { backoff: { initialMs: 20, maxMs: 1_000, factor: 2, stableMs: 1_000 } },
      );
      const delays: number[] = [];
      p.on('backoff', (delayMs) => delays.push(delayMs));
      p.start();
      while (delays.length < 5) {
        await until(p, 'exit');
      }
      // 20, 40 (unstable runs), then the 1.5 s run resets the back-off: 20, 40, 80.
      expect(delays.slice(0, 5)).toEqual([20, 40, 20, 40, 80]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the last N stderr lines', async () => {
    const p = supervise('for (let i = 1; i <= 100; i++) console.error("line " + i); process.exit(1)', {
      stderrLines: 5,
      maxFailures: 1,
    });
    const exited = until<ExitInfo>(p, 'exit');
    p.start();
    await exited;
    expect(p.stderrTail).toEqual(['line 96', 'line 97', 'line 98', 'line 99', 'line 100']);
  });

  it('stops cleanly with q on stdin', async () => {
    const p = supervise(
      'process.stdin.on("data", (d) => { if (String(d).includes("q")) { console.error("bye"); process.exit(0); } }); setInterval(() => {}, 1000)',
    );
    p.start();
    await new Promise((r) => setTimeout(r, 200));
    const exited = until<ExitInfo>(p, 'exit');
    const started = Date.now();
    await p.stop();
    expect(await exited).toMatchObject({ code: 0, signal: null, requested: true });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(p.state).toBe('stopped');
  });

  it('escalates to SIGTERM when q is ignored', async () => {
    const p = supervise('setInterval(() => {}, 1000)', { stop: { graceMs: 200, termMs: 2_000 } });
    p.start();
    await new Promise((r) => setTimeout(r, 200));
    const exited = until<ExitInfo>(p, 'exit');
    await p.stop();
    expect(await exited).toMatchObject({ signal: 'SIGTERM', requested: true });
  });

  it('escalates to SIGKILL when SIGTERM is ignored too, and never restarts a stopped child', async () => {
    const p = supervise(
      'process.on("SIGTERM", () => console.error("ignoring SIGTERM")); process.stdin.resume(); process.stdin.on("end", () => {}); setInterval(() => {}, 1000); console.log("ready")',
      { stop: { graceMs: 150, termMs: 300 }, backoff: { initialMs: 10 } },
    );
    const ready = new Promise<void>((resolve) => p.once('stdout', () => resolve()));
    p.start();
    await ready;
    const exited = until<ExitInfo>(p, 'exit');
    const started = Date.now();
    await p.stop();
    const info = await exited;
    expect(info).toMatchObject({ signal: 'SIGKILL', requested: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(p.stderrTail).toContain('ignoring SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    expect(p.state).toBe('stopped');
    expect(p.pid).toBeUndefined();
  });

  it('recycles a live child through the back-off, with the reason as lastError', async () => {
    const p = supervise('setInterval(() => {}, 1000)', { backoff: { initialMs: 30 }, stop: { graceMs: 100 } });
    p.start();
    const firstPid = p.pid;
    const respawned = new Promise<number>((resolve) => p.once('spawn', (pid) => resolve(pid)));
    p.recycle('no frames for 8 s');
    expect(await respawned).not.toBe(firstPid);
    expect(p.lastError).toBe('no frames for 8 s');
    expect(p.restarts).toBe(1);
  });

  it('reports a command that cannot start, without throwing', async () => {
    const p = new SupervisedProcess({ command: '/nonexistent/ffmpeg', args: [], maxFailures: 1 });
    running.push(p);
    const failed = new Promise<void>((resolve) => p.on('state', (s) => s === 'failed' && resolve()));
    p.start();
    await failed;
    expect(p.lastError).toMatch(/^cannot start: spawn \/nonexistent\/ffmpeg ENOENT/);
  });
});
