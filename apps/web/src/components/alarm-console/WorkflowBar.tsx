import type { AlarmActionRequest } from '@bsm/protocol';
import { useTranslation } from 'react-i18next';
import { WORKFLOW_ACTIONS, type Refusal, type WorkflowAction } from '../../alarm/alarm-actions';
import { refusalText } from './alarm-texts';

interface WorkflowBarProps {
  refusals: Record<WorkflowAction, Refusal | null>;
  pending: AlarmActionRequest['action'] | null;
  onAction: (action: Exclude<WorkflowAction, 'close'>) => void;
  onClose: () => void;
}

/**
 * The workflow's buttons. A disabled one says why on hover (the same rule
 * the center applies); close opens the dialog that asks for the outcome.
 */
export function WorkflowBar({ refusals, pending, onAction, onClose }: WorkflowBarProps) {
  const { t } = useTranslation();
  // An alarm at its outcome that still cannot be closed (latched) says so in words, not only on hover.
  const closeBlocked = refusals.close !== null && !['status', 'role'].includes(refusals.close.kind);
  return (
    <>
      <div className="workflow-bar" role="toolbar" aria-label={t('alarmDetail.workflow')}>
        {WORKFLOW_ACTIONS.map((action) => {
          const refusal = refusals[action];
          return (
            <button
              key={action}
              type="button"
              className={`button workflow-button workflow-button--${action}`}
              data-testid={`alarm-action-${action}`}
              data-refusal={refusal?.kind ?? ''}
              disabled={refusal !== null || pending !== null}
              aria-busy={pending === action}
              title={refusal === null ? undefined : refusalText(refusal, t)}
              onClick={() => (action === 'close' ? onClose() : onAction(action))}
            >
              {t(`alarmAction.${action}`)}
            </button>
          );
        })}
      </div>
      {closeBlocked && refusals.close !== null ? (
        <p className="workflow-hint" data-testid="close-blocked" data-refusal={refusals.close.kind}>
          {refusalText(refusals.close, t)}
        </p>
      ) : null}
    </>
  );
}
