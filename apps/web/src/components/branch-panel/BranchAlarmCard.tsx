import type { AlarmView, CenterInfo, Disposition } from '@bsm/protocol';
import { useTranslation } from 'react-i18next';
import { branchAlarmProgress, progressSteps, type BranchAlarmStage } from '../../branch-panel/alarm-progress';
import type { PendingRaise } from '../../branch-panel/panel-state';
import { formatTimestamp } from '../../format/date-time';
import { priorityLabelKey } from '../../i18n/label-keys';

/** The steps an alarm goes through, lit up to where it is. */
function ProgressSteps({ stage, disposition }: { stage: BranchAlarmStage; disposition: Disposition | null }) {
  const { t } = useTranslation();
  return (
    <ol className="alarm-progress" data-testid="alarm-progress">
      {progressSteps(stage, disposition).map((step) => (
        <li
          key={step.stage}
          className={`alarm-progress__step${step.done ? ' alarm-progress__step--done' : ''}${step.current ? ' alarm-progress__step--current' : ''}`}
          data-step={step.stage}
          data-done={step.done}
        >
          {t(`branchPanel.stage.${step.stage}`)}
        </li>
      ))}
    </ol>
  );
}

interface BranchAlarmCardProps {
  alarm: AlarmView;
  /** The branch's own center, to name it; an officer elsewhere is at a higher center. */
  center: CenterInfo;
}

/** One alarm of the branch: what it was, and how far the center has got with it, in words the staff can act on. */
export function BranchAlarmCard({ alarm, center }: BranchAlarmCardProps) {
  const { t, i18n } = useTranslation();
  const progress = branchAlarmProgress(alarm);
  // Staff know their own center; an officer of a higher one (after an escalation) is said to be there.
  const name = progress.officer ?? '—';
  const officer = {
    officer:
      progress.officerCenter === null || progress.officerCenter === center.id
        ? name
        : t('branchPanel.higherCenter', { officer: name }),
  };
  const line = ((): string => {
    switch (progress.stage) {
      case 'sending':
      case 'received':
        return t('branchPanel.receivedAt', { time: formatTimestamp(alarm.receivedAt, i18n.language) });
      case 'handling':
        return t('branchPanel.handledBy', officer);
      case 'dispatched':
        return t('branchPanel.dispatchedBy', officer);
      case 'resolved':
        return t('branchPanel.resolvedBy', { ...officer, status: t(`alarmStatus.${alarm.status}`) });
      case 'closed':
        return t('branchPanel.closedBy', {
          ...officer,
          disposition: progress.disposition !== null ? t(`disposition.${progress.disposition}`) : '—',
        });
    }
  })();
  return (
    <li
      className={`branch-alarm branch-alarm--p${alarm.priority}${progress.stage === 'closed' ? ' branch-alarm--closed' : ''}`}
      data-testid="branch-alarm"
      data-alarm-id={alarm.id}
      data-stage={progress.stage}
    >
      <div className="branch-alarm__head">
        <span className={`priority-pill priority-pill--p${alarm.priority}`}>{t(priorityLabelKey(alarm.priority))}</span>
        <span className="branch-alarm__type">{t(`alarmType.${alarm.type}`)}</span>
        {alarm.zone !== undefined ? <span className="muted">{t('alarms.zone', { zone: alarm.zone })}</span> : null}
        <time className="branch-alarm__time muted" dateTime={alarm.occurredAt}>
          {formatTimestamp(alarm.occurredAt, i18n.language)}
        </time>
      </div>
      {alarm.text !== undefined ? <p className="branch-alarm__text">{alarm.text}</p> : null}
      <ProgressSteps stage={progress.stage} disposition={progress.disposition} />
      <p className="branch-alarm__line" data-testid="branch-alarm-line">
        {line}
      </p>
      <div className="branch-alarm__flags">
        {progress.escalated ? <span className="flag">{t('branchPanel.escalated')}</span> : null}
        {progress.latched ? <span className="flag flag--warn">{t('branchPanel.latched')}</span> : null}
      </div>
    </li>
  );
}

/** A panic or duress just pressed: on its way to the center. */
export function RaisingCard({ raise }: { raise: PendingRaise }) {
  const { t, i18n } = useTranslation();
  return (
    <li
      className="branch-alarm branch-alarm--p1"
      data-testid="branch-alarm"
      data-alarm-id={raise.alarmId}
      data-stage="sending"
    >
      <div className="branch-alarm__head">
        <span className="branch-alarm__type">{t(`alarmType.${raise.type}`)}</span>
        <time className="branch-alarm__time muted" dateTime={raise.at}>
          {formatTimestamp(raise.at, i18n.language)}
        </time>
      </div>
      <ProgressSteps stage="sending" disposition={null} />
      <p className="branch-alarm__line">{t('branchPanel.waiting')}</p>
    </li>
  );
}
