import {
  refusalOf,
  type AlarmState,
  type AlarmStatus,
  type AlarmView,
  type Disposition,
  type OfficerAction,
  type ProcedureStep,
  type Permission,
} from '@bsm/protocol';

/** The workflow buttons, in the order an officer meets them. `note` and `step` have their own controls. */
export const WORKFLOW_ACTIONS = [
  'acknowledge',
  'verify',
  'dispatch',
  'false_alarm',
  'test',
  'hold',
  'resume',
  'reset',
  'close',
] as const satisfies readonly OfficerAction[];
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

/** Whether the user may handle alarms (the `alarms` permission); the center answers 403 to the others (an ordinary user only watches). */
export const canHandleAlarms = (held: readonly Permission[]): boolean => held.includes('alarms');

/**
 * The shared rule's input rebuilt from what the console has. `heldFrom` is
 * not in an AlarmView; `refusalOf` does not read it (only the reducer does).
 */
export function alarmStateOfView(view: AlarmView): AlarmState {
  return {
    status: view.status,
    owner: view.owner,
    closedBy: view.closedBy,
    disposition: view.disposition,
    closeNote: view.closeNote,
    latched: view.latched,
    restoredAt: view.restoredAt,
    escalations: view.escalations,
    stepsDone: view.procedure.flatMap(({ step, done }) => (done === null ? [] : [{ step, by: done.by, at: done.at }])),
    heldFrom: null,
  };
}

export const procedureOf = (view: AlarmView): ProcedureStep[] => view.procedure.map(({ step }) => step);

export const missingSteps = (view: AlarmView): ProcedureStep[] =>
  view.procedure.filter(({ done }) => done === null).map(({ step }) => step);

/** Why an action is refused, in a form the console can translate. */
export type Refusal =
  | { kind: 'role' }
  | { kind: 'status'; status: AlarmStatus }
  | { kind: 'notLatched' }
  | { kind: 'latched' }
  | { kind: 'needsDisposition' }
  | { kind: 'needsNote' }
  | { kind: 'missingSteps'; steps: ProcedureStep[] }
  | { kind: 'unknownStep' }
  /** Refused by the shared rule for a reason this console does not know yet: its own words. */
  | { kind: 'other'; message: string };

export interface ActionInput {
  disposition?: Disposition;
  note?: string;
  step?: ProcedureStep;
}

/**
 * Which requirement made the shared rule refuse. The rule only gives English
 * text, so the status check is told apart by asking it again with every other
 * requirement met, and the rest by the requirement itself.
 */
function explain(view: AlarmView, action: OfficerAction, input: ActionInput, message: string): Refusal {
  const procedure = procedureOf(view);
  if (action === 'step' && procedure.length === 0) {
    return { kind: 'unknownStep' };
  }
  const everythingElseMet: AlarmState = {
    ...alarmStateOfView(view),
    latched: action === 'reset',
    stepsDone: procedure.map((step) => ({ step, by: '', at: '' })),
  };
  const refusedByStatus =
    refusalOf(everythingElseMet, action, { disposition: 'duplicate', note: '-', step: procedure[0], procedure }) !==
    null;
  if (refusedByStatus) {
    return { kind: 'status', status: view.status };
  }
  if (action === 'reset' && !view.latched) {
    return { kind: 'notLatched' };
  }
  if (action === 'step') {
    return { kind: 'unknownStep' };
  }
  if (action === 'note' && !input.note?.trim()) {
    return { kind: 'needsNote' };
  }
  if (action === 'close') {
    if (input.disposition === undefined) {
      return { kind: 'needsDisposition' };
    }
    if (!input.note?.trim()) {
      return { kind: 'needsNote' };
    }
    if (view.latched) {
      return { kind: 'latched' };
    }
    if (input.disposition === 'genuine') {
      return { kind: 'missingSteps', steps: missingSteps(view) };
    }
  }
  return { kind: 'other', message };
}

/**
 * Why the center would refuse this action now, or null when it would take
 * it: the same `refusalOf` the center runs, so a button is enabled exactly
 * when the center will accept the click.
 */
export function refusalFor(
  view: AlarmView,
  held: readonly Permission[],
  action: OfficerAction,
  input: ActionInput = {},
): Refusal | null {
  if (!canHandleAlarms(held)) {
    return { kind: 'role' };
  }
  const message = refusalOf(alarmStateOfView(view), action, { ...input, procedure: procedureOf(view) });
  return message === null ? null : explain(view, action, input, message);
}

/**
 * The workflow bar's buttons. Close opens a dialog that asks for the
 * disposition and note, so its button only needs the alarm to be closable
 * at all: the rule is asked with a placeholder that needs no procedure.
 */
export function workflowRefusals(view: AlarmView, held: readonly Permission[]): Record<WorkflowAction, Refusal | null> {
  const entries = WORKFLOW_ACTIONS.map((action) => {
    const input: ActionInput = action === 'close' ? { disposition: 'duplicate', note: '-' } : {};
    return [action, refusalFor(view, held, action, input)] as const;
  });
  return Object.fromEntries(entries) as Record<WorkflowAction, Refusal | null>;
}
