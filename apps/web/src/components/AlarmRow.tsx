import type { AlarmView } from '@bsm/protocol';
import { useTranslation } from 'react-i18next';
import { formatTimestamp } from '../format/date-time';
import { useElapsedText } from '../hooks/use-elapsed-text';
import { priorityLabelKey } from '../i18n/label-keys';

interface AlarmRowProps {
  alarm: AlarmView;
  nowMs: number;
  onSelect: (alarm: AlarmView) => void;
}

/** One live alarm: priority bar, type, branch, zone, time occurred and how long ago it was received. */
export function AlarmRow({ alarm, nowMs, onSelect }: AlarmRowProps) {
  const { t, i18n } = useTranslation();
  const elapsed = useElapsedText();
  return (
    <li>
      <button
        type="button"
        className={`alarm-row alarm-row--p${alarm.priority} alarm-row--${alarm.status}`}
        data-testid="alarm-row"
        data-alarm-id={alarm.id}
        data-origin={alarm.origin}
        data-type={alarm.type}
        data-priority={alarm.priority}
        onClick={() => onSelect(alarm)}
      >
        <span className="alarm-row__bar" aria-hidden="true" />
        <span className="alarm-row__main">
          <span className="alarm-row__type">{t(`alarmType.${alarm.type}`)}</span>
          <span className="alarm-row__priority">{t(priorityLabelKey(alarm.priority))}</span>
          {alarm.status !== 'new' ? (
            <span className="alarm-row__status">{t(`alarmStatus.${alarm.status}`)}</span>
          ) : null}
        </span>
        <span className="alarm-row__origin">{alarm.originName}</span>
        <span className="alarm-row__meta">
          {alarm.zone !== undefined ? <span>{t('alarms.zone', { zone: alarm.zone })}</span> : null}
          <time dateTime={alarm.occurredAt}>{formatTimestamp(alarm.occurredAt, i18n.language)}</time>
          <span className="alarm-row__received">
            {t('alarms.received', { elapsed: elapsed(alarm.receivedAt, nowMs) })}
          </span>
        </span>
      </button>
    </li>
  );
}
