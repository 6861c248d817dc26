import {
  ALARM_STATUSES,
  DISPOSITIONS,
  OFFICER_ACTIONS,
  refusalOf,
  ROLE_PERMISSIONS,
  type AlarmView,
  type ProcedureStep,
} from '@bsm/protocol';
import { describe, expect, it } from 'vitest';
import { alarmView } from '../test-support/fixtures';
import { alarmStateOfView, missingSteps, refusalFor, workflowRefusals, type WorkflowAction } from './alarm-actions';

const done = { by: '张伟', at: '2025-01-01T08:02:00.000Z' };

function panic(overrides: Partial<AlarmView> = {}): AlarmView {
  return alarmView({
    type: 'panic',
    priority: 1,
    latched: true,
    procedure: [
      { step: 'verify_video', done },
      { step: 'call_branch', done: null },
      { step: 'call_police', done: null },
    ],
    ...overrides,
  });
}

const enabled = (view: AlarmView, role: 'operator' | 'ordinary_user' = 'operator'): WorkflowAction[] =>
  Object.entries(workflowRefusals(view, ROLE_PERMISSIONS[role]))
    .filter(([, refusal]) => refusal === null)
    .map(([action]) => action as WorkflowAction);

describe('workflow buttons', () => {
  it('offers acknowledge (and test) on a new alarm, nothing that needs it acknowledged', () => {
    expect(enabled(panic())).toEqual(['acknowledge', 'test']);
    expect(workflowRefusals(panic(), ROLE_PERMISSIONS.operator).verify).toEqual({ kind: 'status', status: 'new' });
  });

  it('offers verify, the outcomes, hold and reset once acknowledged', () => {
    expect(enabled(panic({ status: 'acknowledged' }))).toEqual([
      'verify',
      'dispatch',
      'false_alarm',
      'test',
      'hold',
      'reset',
    ]);
    expect(enabled(alarmView({ status: 'verifying' }))).toEqual(['dispatch', 'false_alarm', 'test', 'hold']);
  });

  it('offers resume on hold only', () => {
    expect(enabled(alarmView({ status: 'on_hold' }))).toEqual(['resume']);
  });

  it('disables close on a latched alarm and says it must be reset first', () => {
    const refusals = workflowRefusals(panic({ status: 'dispatched' }), ROLE_PERMISSIONS.operator);
    expect(refusals.close).toEqual({ kind: 'latched' });
    expect(refusals.reset).toBeNull();
    expect(enabled(panic({ status: 'dispatched', latched: false }))).toContain('close');
  });

  it('disables everything for a role that may not handle alarms', () => {
    expect(enabled(alarmView(), 'ordinary_user')).toEqual([]);
    expect(workflowRefusals(alarmView(), ROLE_PERMISSIONS.ordinary_user).acknowledge).toEqual({ kind: 'role' });
  });
});

describe('closing', () => {
  const dispatched = panic({ status: 'dispatched', latched: false });

  it('needs a disposition and a note', () => {
    expect(refusalFor(dispatched, ROLE_PERMISSIONS.operator, 'close', {})).toEqual({ kind: 'needsDisposition' });
    expect(
      refusalFor(dispatched, ROLE_PERMISSIONS.operator, 'close', { disposition: 'false_alarm', note: '  ' }),
    ).toEqual({
      kind: 'needsNote',
    });
    expect(
      refusalFor(dispatched, ROLE_PERMISSIONS.operator, 'close', { disposition: 'false_alarm', note: '误触' }),
    ).toBeNull();
  });

  it('needs every procedure step for a genuine alarm, and lists those missing', () => {
    expect(
      refusalFor(dispatched, ROLE_PERMISSIONS.operator, 'close', { disposition: 'genuine', note: '已出警' }),
    ).toEqual({
      kind: 'missingSteps',
      steps: ['call_branch', 'call_police'],
    });
    const allDone = { ...dispatched, procedure: dispatched.procedure.map((entry) => ({ ...entry, done })) };
    expect(
      refusalFor(allDone, ROLE_PERMISSIONS.operator, 'close', { disposition: 'genuine', note: '已出警' }),
    ).toBeNull();
  });
});

describe('procedure steps', () => {
  it('can be ticked once acknowledged, not on a new alarm, and only the alarm’s own', () => {
    const step = (view: AlarmView, which: ProcedureStep) =>
      refusalFor(view, ROLE_PERMISSIONS.operator, 'step', { step: which });
    expect(step(panic(), 'call_branch')).toEqual({ kind: 'status', status: 'new' });
    expect(step(panic({ status: 'acknowledged' }), 'call_branch')).toBeNull();
    expect(step(panic({ status: 'acknowledged' }), 'call_fire_brigade')).toEqual({ kind: 'unknownStep' });
    expect(step(alarmView({ type: 'test', status: 'acknowledged' }), 'call_branch')).toEqual({
      kind: 'unknownStep',
    });
  });

  it('rebuilds the shared rule’s state from the view', () => {
    const state = alarmStateOfView(panic({ status: 'acknowledged' }));
    expect(state.stepsDone).toEqual([{ step: 'verify_video', ...done }]);
    expect(state.latched).toBe(true);
    expect(missingSteps(panic())).toEqual(['call_branch', 'call_police']);
  });
});

describe('agreement with the center’s rule', () => {
  it('refuses exactly when refusalOf does, always with a reason this console can say', () => {
    const inputs = [
      {},
      { note: '说明' },
      ...DISPOSITIONS.map((disposition) => ({ disposition, note: '说明' })),
      { disposition: 'genuine' as const },
      { step: 'call_branch' as const },
      { step: 'check_devices' as const },
    ];
    for (const status of ALARM_STATUSES) {
      for (const latched of [true, false]) {
        for (const stepDone of [null, done]) {
          const view = panic({ status, latched, procedure: [{ step: 'call_branch', done: stepDone }] });
          for (const action of OFFICER_ACTIONS) {
            for (const input of inputs) {
              const expected = refusalOf(alarmStateOfView(view), action, { ...input, procedure: ['call_branch'] });
              const refusal = refusalFor(view, ROLE_PERMISSIONS.operator, action, input);
              const label = `${status} latched=${String(latched)} ${action} ${JSON.stringify(input)}`;
              expect(refusal === null, label).toBe(expected === null);
              expect(refusal?.kind, label).not.toBe('other');
            }
          }
        }
      }
    }
  });
});
