import type { AlarmView, ProcedureStep } from '@bsm/protocol';
import { useTranslation } from 'react-i18next';
import type { Refusal } from '../../alarm/alarm-actions';
import { formatTimestamp } from '../../format/date-time';
import { refusalText } from './alarm-texts';

interface ProcedureChecklistProps {
  procedure: AlarmView['procedure'];
  /** Why no step can be ticked now (wrong status, role), or null. */
  refusal: Refusal | null;
  busy: boolean;
  onTick: (step: ProcedureStep) => void;
}

/** The type's procedure; ticking a step records it (action `step`) with who and when. A done step stays done. */
export function ProcedureChecklist({ procedure, refusal, busy, onTick }: ProcedureChecklistProps) {
  const { t, i18n } = useTranslation();
  if (procedure.length === 0) {
    return <p className="detail-section__empty">{t('alarmDetail.procedureEmpty')}</p>;
  }
  const reason = refusal === null ? undefined : refusalText(refusal, t);
  return (
    <>
      <ol className="procedure" data-testid="procedure">
        {procedure.map(({ step, done }) => (
          <li key={step} className={`procedure__step${done !== null ? ' procedure__step--done' : ''}`}>
            <label title={done === null ? reason : undefined}>
              <input
                type="checkbox"
                data-testid="procedure-step"
                data-step={step}
                data-done={done !== null}
                checked={done !== null}
                disabled={done !== null || refusal !== null || busy}
                onChange={() => onTick(step)}
              />
              <span className="procedure__label">{t(`procedureStep.${step}`)}</span>
              {done !== null ? (
                <span className="procedure__done muted">
                  {t('alarmDetail.stepDone', { by: done.by, time: formatTimestamp(done.at, i18n.language) })}
                </span>
              ) : null}
            </label>
          </li>
        ))}
      </ol>
      {reason !== undefined && procedure.some(({ done }) => done === null) ? (
        <p className="detail-section__empty" data-testid="procedure-refusal">
          {reason}
        </p>
      ) : null}
    </>
  );
}
