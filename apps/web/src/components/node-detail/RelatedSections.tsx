import type { AlarmView, MapNode } from '@bsm/protocol';
import { useTranslation } from 'react-i18next';
import { formatTimestamp } from '../../format/date-time';
import { priorityLabelKey } from '../../i18n/label-keys';
import { NodeStateBadge } from '../NodeStateBadge';
import { DetailSection } from './DetailSection';

export function RecentAlarmSection({ alarms }: { alarms: readonly AlarmView[] }) {
  const { t, i18n } = useTranslation();
  return (
    <DetailSection title={t('detail.recentAlarms')} count={alarms.length} empty={t('detail.none')}>
      <ul className="recent-alarms">
        {alarms.map((alarm) => (
          <li key={alarm.id} className={`recent-alarm recent-alarm--p${alarm.priority}`} data-alarm-id={alarm.id}>
            <span className="recent-alarm__type">{t(`alarmType.${alarm.type}`)}</span>
            <span className="recent-alarm__priority">{t(priorityLabelKey(alarm.priority))}</span>
            {alarm.zone !== undefined ? <span>{t('alarms.zone', { zone: alarm.zone })}</span> : null}
            <time dateTime={alarm.occurredAt}>{formatTimestamp(alarm.occurredAt, i18n.language)}</time>
            <span className="muted">{t(`alarmStatus.${alarm.status}`)}</span>
          </li>
        ))}
      </ul>
    </DetailSection>
  );
}

/** For a center: the nodes directly below it, each a way further down. */
export function ChildSection({
  nodes,
  onSelectNode,
}: {
  nodes: readonly MapNode[];
  onSelectNode: (nodeId: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <DetailSection title={t('detail.children')} count={nodes.length} empty={t('detail.none')}>
      <ul className="child-list">
        {nodes.map((child) => (
          <li key={child.id}>
            <button type="button" className="link-button" onClick={() => onSelectNode(child.id)}>
              {child.name}
            </button>
            <NodeStateBadge node={child} />
            {child.openAlarms > 0 ? (
              <span className="muted">{t('nodes.openAlarms', { count: child.openAlarms })}</span>
            ) : null}
          </li>
        ))}
      </ul>
    </DetailSection>
  );
}
