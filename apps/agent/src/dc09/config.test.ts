import { formatIssues } from '@bsm/runtime';
import { describe, expect, it } from 'vitest';
import { AgentConfigSchema, redactConfig } from '../config.js';

const node = { id: 'b1', name: '测试网点', lat: 26.08, lon: 119.3 };
const alarmInputs = [{ id: 'b1.in-pir', name: '营业厅红外', zone: 'hall', type: 'intrusion' }];
const devices = [{ id: 'b1.panel', kind: 'alarm_panel', name: '报警主机' }];

function problems(dc09: unknown): string[] {
  const result = AgentConfigSchema.safeParse({ node, alarmInputs, devices, dc09 });
  return result.success ? [] : formatIssues(result.error);
}

describe('dc09 config', () => {
  it("is off by default, with DC-09's timestamp window", () => {
    const { dc09 } = AgentConfigSchema.parse({ node });
    expect(dc09).toEqual({
      enabled: false,
      host: '127.0.0.1',
      allowFrom: [],
      accounts: [],
      timestampWindow: { aheadSec: 20, behindSec: 40 },
      duplicateWindowSec: 300,
      idleTimeoutSec: 600,
      maxConnections: 64,
    });
  });

  it('normalises accounts and zones, and requires encryption where there is a key', () => {
    const { dc09 } = AgentConfigSchema.parse({
      node,
      alarmInputs,
      devices,
      dc09: {
        enabled: true,
        port: 12_300,
        accounts: [
          { account: 'abc123', key: '00'.repeat(16), inputs: { '003': 'b1.in-pir' }, deviceId: 'b1.panel' },
          { account: '1234' },
        ],
      },
    });
    expect(dc09.accounts[0]).toMatchObject({
      account: 'ABC123',
      keyEncoding: 'hex',
      requireEncryption: true,
      inputs: { '3': 'b1.in-pir' },
    });
    expect(dc09.accounts[1]).toMatchObject({ account: '1234', requireEncryption: false, supervisionSec: 0 });
  });

  it.each([
    [
      'enabled without port or accounts',
      { enabled: true },
      ['dc09.port: give the port the panels send to', 'dc09.accounts: list at least one panel account'],
    ],
    [
      'a non-hex account',
      { accounts: [{ account: '12X4' }] },
      ['dc09.accounts.0.account: must be 3–16 hex digits, as the panel sends it'],
    ],
    [
      'a short key',
      { accounts: [{ account: '1234', key: 'abcd' }] },
      ['dc09.accounts.0.key: a hex key has 32, 48 or 64 hex digits (AES-128, -192, -256)'],
    ],
    [
      'key and keyFile',
      { accounts: [{ account: '1234', key: '00'.repeat(16), keyFile: '/etc/k' }] },
      ['dc09.accounts.0.key: give key or keyFile, not both'],
    ],
    [
      'a zone naming no input, a device that does not exist',
      { accounts: [{ account: '1234', inputs: { '1': 'b1.nope' }, deviceId: 'b1.gone' }] },
      [
        'dc09.accounts.0.inputs.1: no alarm input "b1.nope" in alarmInputs',
        'dc09.accounts.0.deviceId: no device "b1.gone" in devices',
      ],
    ],
    [
      'one zone twice',
      { accounts: [{ account: '1234', inputs: { '1': 'b1.in-pir', '01': 'b1.in-pir' } }] },
      ['dc09.accounts.0.inputs.01: zone 01 is the same zone as 1'],
    ],
    [
      'one account twice',
      { accounts: [{ account: 'abc' }, { account: 'ABC' }] },
      ['dc09.accounts.1.account: account ABC is already accounts.0'],
    ],
    [
      'a bad allowFrom entry',
      { allowFrom: ['192.168.10.0/33', 'panel'] },
      [
        'dc09.allowFrom.0: an IP address or subnet, e.g. 192.168.10.0/24',
        'dc09.allowFrom.1: an IP address or subnet, e.g. 192.168.10.0/24',
      ],
    ],
    ['an unknown key', { enable: true }, ['dc09: Unrecognized key: "enable"']],
  ])('refuses %s', (_what, dc09, expected) => {
    expect(problems(dc09)).toEqual(expected);
  });

  it('keeps keys out of the logged config', () => {
    const config = AgentConfigSchema.parse({ node, dc09: { accounts: [{ account: '1234', key: 'AB'.repeat(16) }] } });
    const logged = JSON.stringify(redactConfig(config));
    expect(logged).not.toContain('AB'.repeat(16));
    expect(logged).toContain('[redacted]');
  });
});
