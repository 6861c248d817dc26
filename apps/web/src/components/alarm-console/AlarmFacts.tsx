import type { AlarmView, CenterInfo } from '@bsm/protocol';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { nodeLabel } from '../../alarm/node-label';
import { formatTimestamp } from '../../format/date-time';
import { useNow } from '../../hooks/use-now';
import type { NodeIndex } from '../../state/node-index';
import { CountdownText } from './CountdownText';

interface AlarmFactsProps {
  alarm: AlarmView;
  center: CenterInfo;
  nodes: NodeIndex;
  clockOffsetMs: number;
}

/** What is known of the alarm: where, when, from what, who has it, and how it travelled. */
export function AlarmFacts({ alarm, center, nodes, clockOffsetMs }: AlarmFactsProps) {
  const { t, i18n } = useTranslation();
  const nowMs = useNow(1000, clockOffsetMs);
  const time = (iso: string): string => formatTimestamp(iso, i18n.language);
  const nameOf = (nodeId: string): string => nodeLabel(nodeId, { center, nodes, alarm }).name;
  const rows: [string, ReactNode][] = [
    [t('alarmDetail.branch'), alarm.originName],
    [t('alarmDetail.zone'), alarm.zone ?? '—'],
    [t('alarmDetail.occurred'), time(alarm.occurredAt)],
    [t('alarmDetail.received'), time(alarm.receivedAt)],
    [t('alarmDetail.source'), t(`alarmSource.${alarm.source}`)],
    [t('alarmDetail.owner'), alarm.owner === null ? '—' : (alarm.owner.byName ?? alarm.owner.by)],
    [
      t('alarmDetail.responsible'),
      alarm.responsible ? t('alarmDetail.responsibleHere') : t('alarmDetail.responsibleElsewhere'),
    ],
    [t('alarmDetail.deadline'), <CountdownText key="deadline" deadlineAt={alarm.deadlineAt} nowMs={nowMs} />],
    // The path lists the nodes it came through before this center; this center ends it.
    [t('alarmDetail.path'), [...alarm.path.filter((id) => id !== center.id), center.id].map(nameOf).join(' → ')],
  ];
  if (alarm.text !== undefined) {
    rows.push([t('alarmDetail.text'), alarm.text]);
  }
  for (const escalation of alarm.escalations) {
    rows.push([
      t('alarmDetail.escalations'),
      t('alarmDetail.escalation', {
        from: nameOf(escalation.from),
        to: nameOf(escalation.to),
        reason: t(`escalationReason.${escalation.reason}`),
        due: time(escalation.dueAt),
      }),
    ]);
  }
  if (alarm.closedBy !== null) {
    rows.push([t('alarmDetail.closedBy'), alarm.closedBy.byName ?? alarm.closedBy.by]);
  }
  if (alarm.disposition !== null) {
    rows.push([t('alarmDetail.disposition'), t(`disposition.${alarm.disposition}`)]);
  }
  if (alarm.closeNote !== null) {
    rows.push([t('alarmDetail.closeNote'), alarm.closeNote]);
  }
  return (
    <dl className="alarm-facts" data-testid="alarm-facts">
      {rows.map(([label, value], index) => (
        <div key={index} className="alarm-facts__row">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
