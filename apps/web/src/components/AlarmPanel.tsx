import type { AlarmView } from '@bsm/protocol';
import { useTranslation } from 'react-i18next';
import { useNow } from '../hooks/use-now';
import { AlarmRow } from './AlarmRow';

interface AlarmPanelProps {
  alarms: readonly AlarmView[];
  clockOffsetMs: number;
  onSelect: (alarm: AlarmView) => void;
}

/** The live alarm list, newest on top; "received X s ago" ticks on the center's clock. */
export function AlarmPanel({ alarms, clockOffsetMs, onSelect }: AlarmPanelProps) {
  const { t } = useTranslation();
  const now = useNow(1000, clockOffsetMs);
  if (alarms.length === 0) {
    return <p className="panel-empty">{t('alarms.empty')}</p>;
  }
  return (
    <>
      <p className="panel-count">{t('alarms.count', { count: alarms.length })}</p>
      <ol className="alarm-list" data-testid="alarm-list">
        {alarms.map((alarm) => (
          <AlarmRow key={alarm.id} alarm={alarm} nowMs={now} onSelect={onSelect} />
        ))}
      </ol>
    </>
  );
}
