import type { AlarmView } from '@bsm/protocol';
import { useTranslation } from 'react-i18next';
import { formatTimestamp } from '../../format/date-time';
import { priorityLabelKey } from '../../i18n/label-keys';
import { awaitsAcknowledgement } from '../../state/alarm-queue';
import { AlarmBadges } from './AlarmBadges';
import { CountdownText } from './CountdownText';

interface QueueRowProps {
  alarm: AlarmView;
  centerId: string;
  nowMs: number;
  selected: boolean;
  onSelect: (alarmId: string) => void;
}

/** One open alarm of the queue; it flashes while it is this center's and not yet acknowledged. */
export function QueueRow({ alarm, centerId, nowMs, selected, onSelect }: QueueRowProps) {
  const { t, i18n } = useTranslation();
  const flashing = awaitsAcknowledgement(alarm);
  const classes = [
    'queue-row',
    `queue-row--p${alarm.priority}`,
    flashing ? 'queue-row--flash' : '',
    selected ? 'queue-row--selected' : '',
  ].filter(Boolean);
  return (
    <li>
      <button
        type="button"
        className={classes.join(' ')}
        data-testid="queue-row"
        data-alarm-id={alarm.id}
        data-status={alarm.status}
        data-priority={alarm.priority}
        data-responsible={alarm.responsible}
        data-flashing={flashing}
        aria-pressed={selected}
        onClick={() => onSelect(alarm.id)}
      >
        <span className="queue-row__priority">{t(priorityLabelKey(alarm.priority))}</span>
        <span className="queue-row__type">{t(`alarmType.${alarm.type}`)}</span>
        <span className="queue-row__branch">
          <span className="queue-row__branch-name">{alarm.originName}</span>
          <AlarmBadges alarm={alarm} centerId={centerId} />
        </span>
        <span className="queue-row__zone">{alarm.zone ?? '—'}</span>
        <time className="queue-row__time" dateTime={alarm.receivedAt}>
          {formatTimestamp(alarm.receivedAt, i18n.language)}
        </time>
        <span className={`status-pill status-pill--${alarm.status}`} data-testid="queue-row-status">
          {t(`alarmStatus.${alarm.status}`)}
        </span>
        <span className="queue-row__owner">{alarm.owner?.byName ?? alarm.owner?.by ?? t('alarmConsole.unowned')}</span>
        <CountdownText deadlineAt={alarm.deadlineAt} nowMs={nowMs} />
      </button>
    </li>
  );
}
