import type { AlarmView } from '@bsm/protocol';
import { useTranslation } from 'react-i18next';
import { useNow } from '../../hooks/use-now';
import { queueOf } from '../../state/alarm-queue';
import { QueueRow } from './QueueRow';

export type QueueTab = 'responsible' | 'others';

interface AlarmQueueProps {
  alarms: readonly AlarmView[];
  failure: string | null;
  centerId: string;
  clockOffsetMs: number;
  tab: QueueTab;
  onTab: (tab: QueueTab) => void;
  selectedAlarmId: string | null;
  onSelect: (alarmId: string) => void;
}

/**
 * The open alarms, most urgent first: this center's own by default, those
 * another center is responsible for behind the second tab. Countdowns tick
 * on the center's clock.
 */
export function AlarmQueue({
  alarms,
  failure,
  centerId,
  clockOffsetMs,
  tab,
  onTab,
  selectedAlarmId,
  onSelect,
}: AlarmQueueProps) {
  const { t } = useTranslation();
  const nowMs = useNow(1000, clockOffsetMs);
  const mine = queueOf(alarms, true);
  const others = queueOf(alarms, false);
  const shown = tab === 'responsible' ? mine : others;
  const tabButton = (id: QueueTab, label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={tab === id}
      className={`side-panel__tab${tab === id ? ' side-panel__tab--active' : ''}`}
      data-testid={`queue-tab-${id}`}
      onClick={() => onTab(id)}
    >
      {label}
    </button>
  );
  return (
    <section className="alarm-queue" aria-label={t('alarmConsole.title')}>
      <div className="side-panel__tabs" role="tablist">
        {tabButton('responsible', t('alarmConsole.tabResponsible', { count: mine.length }))}
        {tabButton('others', t('alarmConsole.tabOthers', { count: others.length }))}
      </div>
      {failure !== null ? (
        <p className="notice notice--error" data-testid="queue-error" role="alert">
          {t('alarmConsole.loadFailed', { message: failure })}
        </p>
      ) : null}
      <div className="queue-head" aria-hidden="true">
        <span>{t('alarmConsole.priority')}</span>
        <span>{t('alarmConsole.type')}</span>
        <span>{t('alarmConsole.branch')}</span>
        <span>{t('alarmConsole.zone')}</span>
        <span>{t('alarmConsole.time')}</span>
        <span>{t('alarmConsole.status')}</span>
        <span>{t('alarmConsole.owner')}</span>
        <span>{t('alarmConsole.deadline')}</span>
      </div>
      {shown.length === 0 ? (
        <p className="panel-empty" data-testid="queue-empty">
          {tab === 'responsible' ? t('alarmConsole.empty') : t('alarmConsole.emptyOthers')}
        </p>
      ) : (
        <ol className="queue-list" data-testid="alarm-queue" data-tab={tab}>
          {shown.map((alarm) => (
            <QueueRow
              key={alarm.id}
              alarm={alarm}
              centerId={centerId}
              nowMs={nowMs}
              selected={alarm.id === selectedAlarmId}
              onSelect={onSelect}
            />
          ))}
        </ol>
      )}
    </section>
  );
}
