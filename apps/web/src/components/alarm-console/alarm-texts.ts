import type { ProcedureStep } from '@bsm/protocol';
import type { TFunction } from 'i18next';
import type { ActionFailure } from '../../alarm/action-failure';
import type { Refusal } from '../../alarm/alarm-actions';

const stepList = (steps: readonly ProcedureStep[], t: TFunction): string =>
  steps.map((step) => t(`procedureStep.${step}`)).join('、');

/** Why a button is disabled, in the officer's language. */
export function refusalText(refusal: Refusal, t: TFunction): string {
  switch (refusal.kind) {
    case 'status':
      return t('refusal.status', { status: t(`alarmStatus.${refusal.status}`) });
    case 'missingSteps':
      return t('refusal.missingSteps', { steps: stepList(refusal.steps, t) });
    case 'other':
      return t('refusal.other', { message: refusal.message });
    default:
      return t(`refusal.${refusal.kind}`);
  }
}

export function actionFailureText(failure: ActionFailure, t: TFunction): string {
  switch (failure.kind) {
    case 'notAllowed':
      return t('actionError.notAllowed', { message: failure.message });
    case 'other':
      return t('actionError.other', { message: failure.message });
    default:
      return t(`actionError.${failure.kind}`);
  }
}
