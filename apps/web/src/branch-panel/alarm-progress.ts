import type { AlarmView, Disposition } from '@bsm/protocol';

/**
 * Where an alarm of the branch stands, as the branch staff need to know it:
 * has the center got it, is an officer on it, is help coming, is it over.
 * - `sending`: raised at the branch, not yet seen at the center (the panel's
 *   own panic press, until the center reports the alarm);
 * - `received`: the center has it and nobody has taken it yet;
 * - `handling`: an officer acknowledged it and is verifying it (or put it on hold);
 * - `dispatched`: the officer sent help;
 * - `resolved`: the officer found it false or a test, and will close it;
 * - `closed`: handled and closed, with a disposition.
 */
export type BranchAlarmStage = 'sending' | 'received' | 'handling' | 'dispatched' | 'resolved' | 'closed';

export interface BranchAlarmProgress {
  stage: BranchAlarmStage;
  /** The officer who owns (or closed) it, by display name when known. */
  officer: string | null;
  /** The center that officer works at. */
  officerCenter: string | null;
  disposition: Disposition | null;
  /** The alarm went up to a higher center (deadline passed, or panic/duress/vault at once). */
  escalated: boolean;
  /** Panic or duress still latched: only a center officer resets it. */
  latched: boolean;
}

export interface ProgressStep {
  stage: BranchAlarmStage;
  done: boolean;
  current: boolean;
}

function stageOf(alarm: AlarmView): Exclude<BranchAlarmStage, 'sending'> {
  switch (alarm.status) {
    case 'new':
      return 'received';
    case 'acknowledged':
    case 'verifying':
    case 'on_hold':
      return 'handling';
    case 'dispatched':
      return 'dispatched';
    case 'false_alarm':
    case 'test':
      return 'resolved';
    case 'closed':
      return 'closed';
  }
}

export function branchAlarmProgress(alarm: AlarmView): BranchAlarmProgress {
  const stage = stageOf(alarm);
  const actor = stage === 'closed' ? (alarm.closedBy ?? alarm.owner) : alarm.owner;
  return {
    stage,
    officer: actor ? (actor.byName ?? actor.by) : null,
    officerCenter: actor?.node ?? null,
    disposition: alarm.disposition,
    escalated: alarm.escalations.length > 0,
    latched: alarm.latched,
  };
}

/**
 * The steps the panel lights up: sent, received, handling, then the outcome
 * — `dispatched`, or `resolved` for an alarm found false or a test (also once
 * closed with such a disposition) — and closed.
 */
export function progressSteps(stage: BranchAlarmStage, disposition: Disposition | null = null): ProgressStep[] {
  const assessedOnly =
    stage === 'resolved' || (stage === 'closed' && disposition !== null && disposition !== 'genuine');
  const outcome: BranchAlarmStage = assessedOnly ? 'resolved' : 'dispatched';
  const steps: BranchAlarmStage[] = ['sending', 'received', 'handling', outcome, 'closed'];
  const reached = steps.indexOf(stage === 'resolved' || stage === 'dispatched' ? outcome : stage);
  return steps.map((step, index) => ({ stage: step, done: index <= reached, current: index === reached }));
}
