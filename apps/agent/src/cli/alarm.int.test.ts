import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALARM_TYPES } from '@bsm/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BranchAgent } from '../agent.js';
import { AgentConfigSchema } from '../config.js';
import { freePort } from '../../../../test/support/ports.js';
import { captureLogger } from '../testing/capture-logger.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLI = fileURLToPath(new URL('./alarm.ts', import.meta.url));

let dir: string;
let agent: BranchAgent;
let networkFile: string;
let deadUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bsm-alarm-cli-'));
  deadUrl = `http://127.0.0.1:${await freePort()}`;
  // The agent takes alarms whether or not its center is reachable; here it is not.
  const config = AgentConfigSchema.parse({
    node: { id: 'fz-gulou', name: '福州鼓楼支行', lat: 26.08, lon: 119.3 },
    uplink: { url: `mqtt://127.0.0.1:${await freePort()}`, reconnectMs: 60_000 },
    dataDir: join(dir, 'agent'),
    alarmInputs: [{ id: 'fz-gulou.in-panic', name: '柜台紧急按钮', zone: 'counter', type: 'panic' }],
  });
  agent = new BranchAgent(config, { logger: captureLogger().logger });
  await agent.start();
  networkFile = join(dir, 'network.json');
  writeFileSync(
    networkFile,
    JSON.stringify({
      branches: {
        'fz-gulou': { agentUrl: agent.httpUrl, name: '福州鼓楼支行' },
        'fz-taijiang': { agentUrl: deadUrl, name: '福州台江支行' },
      },
    }),
  );
});

afterAll(async () => {
  await agent.stop();
  rmSync(dir, { recursive: true, force: true });
});

function alarmCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args],
      { cwd: REPO_ROOT, env: { ...process.env, BSM_NETWORK_FILE: networkFile, ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('npm run alarm', () => {
  it('raises an alarm at a branch of the demo network and prints its id', async () => {
    const result = await alarmCli(['--branch', 'fz-gulou', '--type', 'panic', '--zone', 'counter', '--text', '演练']);
    expect(result.code).toBe(0);
    const id = result.stdout.trim();
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(result.stderr).toContain('alarm raised at fz-gulou: panic, priority 1');
    const stored = agent.outbox.pending().find((a) => a.id === id);
    expect(stored).toMatchObject({ type: 'panic', zone: 'counter', text: '演练', source: 'manual' });
  });

  it('takes an explicit --url and an alarm input', async () => {
    const result = await alarmCli(['--url', agent.httpUrl as string, '--input', 'fz-gulou.in-panic']);
    expect(result.code).toBe(0);
    expect(agent.outbox.pending().find((a) => a.id === result.stdout.trim())).toMatchObject({
      type: 'panic',
      inputId: 'fz-gulou.in-panic',
      source: 'panic-button',
    });
  });

  it('refuses an unknown type and lists the valid ones', async () => {
    const result = await alarmCli(['--branch', 'fz-gulou', '--type', 'robbery']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`unknown alarm type "robbery"; valid types: ${ALARM_TYPES.join(', ')}`);
    expect(result.stdout).toBe('');
  });

  it('refuses an unknown branch and lists the branches of the network', async () => {
    const result = await alarmCli(['--branch', 'xm-siming', '--type', 'panic']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'unknown branch "xm-siming"; branches in the demo network: fz-gulou (福州鼓楼支行), fz-taijiang (福州台江支行)',
    );
  });

  it('says so when the network file is missing', async () => {
    const result = await alarmCli(['--branch', 'fz-gulou', '--type', 'panic'], {
      BSM_NETWORK_FILE: join(dir, 'none.json'),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no demo network file at');
    expect(result.stderr).toContain('npm start');
  });

  it('fails clearly when the agent is unreachable', async () => {
    const result = await alarmCli(['--branch', 'fz-taijiang', '--type', 'intrusion']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot reach the agent of branch fz-taijiang at ${deadUrl}: ECONNREFUSED`);
  });

  it('shows the field errors when the agent refuses the alarm', async () => {
    const result = await alarmCli(['--branch', 'fz-gulou', '--input', 'fz-gulou.in-nothing']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('refused the alarm (HTTP 400)');
    expect(result.stderr).toContain('inputId: no alarm input "fz-gulou.in-nothing" at fz-gulou');
  });
});
