import { describe, expect, it } from 'vitest';
import { alarmStateOf, refusalOf, type AlarmEvent } from './alarm-workflow.js';

const ALARM = '01JD0000000000000000000001';
let n = 0;
/** An event at second `s` of a fixed minute, with increasing ids. */
function ev(s: number, action: AlarmEvent['action'], extra: Partial<AlarmEvent> = {}): AlarmEvent {
  n += 1;
  return {
    id: `01JD00000000000000000E${String(n).padStart(4, '0')}`,
    alarmId: ALARM,
    origin: 'fz-wuyi',
    at: `2026-11-22T08:00:${String(s).padStart(2, '0')}.000Z`,
    node: 'fz',
    by: 'fz-op@fz',
    action,
    ...extra,
  };
}

describe('alarm workflow', () => {
  it('follows new → acknowledged → verifying → dispatched → closed, recording who did what', () => {
    const events = [
      ev(5, 'acknowledge', { byName: '王警官' }),
      ev(9, 'verify'),
      ev(20, 'dispatch'),
      ev(40, 'close', { disposition: 'genuine', note: '110 到场，系误触' }),
    ];
    const state = alarmStateOf('intrusion', events);
    expect(state.status).toBe('closed');
    expect(state.owner).toMatchObject({ by: 'fz-op@fz', byName: '王警官', at: '2026-11-22T08:00:05.000Z' });
    expect(state.closedBy?.at).toBe('2026-11-22T08:00:40.000Z');
    expect(state.disposition).toBe('genuine');
  });

  it('computes the same state whatever order the events arrived in, the first action winning', () => {
    const l2 = ev(5, 'acknowledge', { node: 'fz', by: 'fz-op@fz' });
    const l1 = ev(6, 'acknowledge', { node: 'fj', by: 'fj-op@fj' });
    const a = alarmStateOf('panic', [l1, l2]);
    const b = alarmStateOf('panic', [l2, l1]);
    expect(a).toEqual(b);
    expect(a.owner?.by).toBe('fz-op@fz');
  });

  it('keeps panic latched after a restore until an officer resets it, and only then closes', () => {
    const events = [ev(1, 'acknowledge'), ev(2, 'restore', { node: 'fz-wuyi', by: 'system' }), ev(3, 'test')];
    const state = alarmStateOf('panic', events);
    expect(state.restoredAt).not.toBeNull();
    expect(state.status).toBe('test');
    expect(state.latched).toBe(true);
    expect(refusalOf(state, 'close', { disposition: 'test', note: '演练' })).toMatch(/reset/);
    // A close that reached this center anyway (an older node) is ignored while latched.
    expect(alarmStateOf('panic', [...events, ev(4, 'close', { disposition: 'test', note: 'x' })]).status).toBe('test');
    const reset = alarmStateOf('panic', [
      ...events,
      ev(4, 'reset'),
      ev(5, 'close', { disposition: 'test', note: 'x' }),
    ]);
    expect(reset.status).toBe('closed');
  });

  it('never closes an alarm on a restore', () => {
    expect(alarmStateOf('intrusion', [ev(1, 'restore')]).status).toBe('new');
  });

  it('needs a disposition, a note and, for a genuine alarm, every procedure step', () => {
    const procedure = ['call_branch', 'verify_video'] as const;
    let state = alarmStateOf('intrusion', [ev(1, 'acknowledge'), ev(2, 'dispatch')]);
    expect(refusalOf(state, 'close', { note: 'x', procedure })).toMatch(/disposition/);
    expect(refusalOf(state, 'close', { disposition: 'genuine', note: ' ', procedure })).toMatch(/note/);
    expect(refusalOf(state, 'close', { disposition: 'genuine', note: 'x', procedure })).toMatch(
      /call_branch, verify_video/,
    );
    expect(refusalOf(state, 'close', { disposition: 'false_alarm', note: 'x', procedure })).toBeNull();
    state = alarmStateOf('intrusion', [
      ev(1, 'acknowledge'),
      ev(2, 'step', { step: 'call_branch' }),
      ev(3, 'step', { step: 'verify_video' }),
      ev(4, 'dispatch'),
    ]);
    expect(refusalOf(state, 'close', { disposition: 'genuine', note: 'x', procedure })).toBeNull();
    expect(refusalOf(state, 'step', { step: 'call_police', procedure })).toMatch(/unknown procedure step/);
  });

  it('puts an alarm on hold and resumes it where it was', () => {
    const held = alarmStateOf('intrusion', [ev(1, 'acknowledge'), ev(2, 'verify'), ev(3, 'hold')]);
    expect(held.status).toBe('on_hold');
    expect(refusalOf(held, 'dispatch')).toMatch(/on_hold/);
    expect(
      alarmStateOf('intrusion', [ev(1, 'acknowledge'), ev(2, 'verify'), ev(3, 'hold'), ev(4, 'resume')]).status,
    ).toBe('verifying');
  });

  it('refuses out-of-order actions with a reason', () => {
    const fresh = alarmStateOf('intrusion', []);
    expect(refusalOf(fresh, 'dispatch')).toBe('cannot dispatch an alarm that is new');
    expect(refusalOf(fresh, 'acknowledge')).toBeNull();
    expect(refusalOf(fresh, 'reset')).toMatch(/cannot reset/);
  });

  it('records each escalation once, with its reason and due time', () => {
    const esc = { from: 'fz', to: 'fj', reason: 'deadline' as const, dueAt: '2026-11-22T08:01:00.000Z' };
    const state = alarmStateOf('intrusion', [
      ev(1, 'escalate', { escalation: esc }),
      ev(2, 'escalate', { escalation: esc }),
    ]);
    expect(state.escalations).toEqual([{ ...esc, at: '2026-11-22T08:00:01.000Z' }]);
    expect(state.status).toBe('new');
  });
});
