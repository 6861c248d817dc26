import { decodeUp, encode } from '@bsm/protocol';
import { describe, expect, it } from 'vitest';
import { BranchOutbox } from './branch-outbox.js';
import { stormAlarmId, stormDraft, stormInputOf, type StormInput } from './storm-alarm.js';

const hallPir: StormInput = {
  id: 'bb-001.in03',
  zone: '营业大厅',
  type: 'intrusion',
  linkedCameras: ['bb-001.cam01', 'bb-001.cam04'],
};
const vault: StormInput = { id: 'bb-001.in01', zone: '金库', type: 'vault_door', linkedCameras: ['bb-001.cam03'] };

describe('stormDraft', () => {
  it('makes an alarm the center accepts once the outbox numbers it', () => {
    const box = new BranchOutbox({ window: 10, ackTimeoutMs: 1000 });
    const alarm = box.add(stormDraft('bb-001', hallPir, 7, new Date('2026-01-02T03:04:05.678Z')));
    const decoded = decodeUp('alarm', encode(alarm));
    expect(decoded).toEqual({ ok: true, value: alarm });
    expect(alarm).toMatchObject({
      origin: 'bb-001',
      path: ['bb-001'],
      seq: 1,
      type: 'intrusion',
      priority: 2,
      inputId: 'bb-001.in03',
      zone: '营业大厅',
      linkedCameras: ['bb-001.cam01', 'bb-001.cam04'],
      occurredAt: '2026-01-02T03:04:05.678Z',
      source: 'panel',
      text: 'alarm-storm #7',
    });
  });

  it('falls back to a bare intrusion at a branch without inputs', () => {
    const draft = stormDraft('bb-002', undefined, 0, new Date());
    expect(draft).not.toHaveProperty('inputId');
    expect(draft).not.toHaveProperty('zone');
    expect(decodeUp('alarm', encode({ ...draft, seq: 1 })).ok).toBe(true);
  });

  it('does not share the input’s camera list with the alarm', () => {
    const draft = stormDraft('bb-001', hallPir, 0, new Date());
    expect(draft.linkedCameras).not.toBe(hallPir.linkedCameras);
  });
});

describe('stormAlarmId', () => {
  it('makes distinct, time-ordered ULIDs', () => {
    const ids = Array.from({ length: 5000 }, () => stormAlarmId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});

describe('stormInputOf', () => {
  it('trips an intrusion detector rather than a vault door (which a center escalates at once)', () => {
    expect(stormInputOf([vault, hallPir])).toBe(hallPir);
    expect(stormInputOf([vault])).toBe(vault);
    expect(stormInputOf([])).toBeUndefined();
  });
});
