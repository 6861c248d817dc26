import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSecret } from '@bsm/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PanelArming } from './arming.js';

const INPUTS = [
  { id: 'b1.pir', zone: '营业大厅', type: 'intrusion' as const },
  { id: 'b1.atm', zone: '自助银行', type: 'atm_tamper' as const },
  { id: 'b1.panic', zone: '营业大厅', type: 'panic' as const },
];

describe('panel arming', () => {
  let dir: string;
  let codeHash: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bsm-arming-'));
    codeHash = await hashSecret('2468');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists zones with their inputs, armed until someone with the code disarms one', async () => {
    const arming = await PanelArming.load({ dataDir: dir, inputs: INPUTS, codeHash });
    expect(arming.zones().map((z) => [z.zone, z.inputs, z.armed])).toEqual([
      ['营业大厅', ['b1.pir', 'b1.panic'], true],
      ['自助银行', ['b1.atm'], true],
    ]);
    await expect(arming.set('营业大厅', false, '1111', 'staff@fz')).rejects.toMatchObject({ code: 'wrong_code' });
    await expect(arming.set('金库', false, '2468', 'staff@fz')).rejects.toMatchObject({ code: 'unknown_zone' });
    const zone = await arming.set('营业大厅', false, '2468', 'staff@fz');
    expect(zone).toMatchObject({ armed: false, by: 'staff@fz' });
    // Disarmed: the hall's motion detector is quiet, its panic button never is.
    expect(arming.reports(INPUTS[0]!)).toBe(false);
    expect(arming.reports(INPUTS[2]!)).toBe(true);
    expect(arming.reports(INPUTS[1]!)).toBe(true);
  });

  it('keeps the state across restarts, and refuses remote arming without a configured code', async () => {
    await (await PanelArming.load({ dataDir: dir, inputs: INPUTS, codeHash })).set('自助银行', false, '2468', 'x');
    const again = await PanelArming.load({ dataDir: dir, inputs: INPUTS, codeHash: undefined });
    expect(again.zones().find((z) => z.zone === '自助银行')?.armed).toBe(false);
    await expect(again.set('自助银行', true, '2468', 'x')).rejects.toMatchObject({ code: 'no_arm_code' });
  });
});
