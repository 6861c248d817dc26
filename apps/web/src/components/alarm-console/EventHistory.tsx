import type { AlarmEvent, AlarmView, CenterInfo } from '@bsm/protocol';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { actorName, nodeLabel } from '../../alarm/node-label';
import { formatTimestamp } from '../../format/date-time';
import type { NodeIndex } from '../../state/node-index';

interface EventHistoryProps {
  events: readonly AlarmEvent[];
  alarm: AlarmView;
  center: CenterInfo;
  nodes: NodeIndex;
}

/** The part of an event beyond its action: which step, how it was closed, where it was escalated. */
function eventDetail(event: AlarmEvent, t: TFunction, nameOf: (id: string) => string, language: string): string {
  if (event.step !== undefined) {
    return t(`procedureStep.${event.step}`);
  }
  if (event.disposition !== undefined) {
    return t(`disposition.${event.disposition}`);
  }
  if (event.escalation !== undefined) {
    return t('alarmDetail.escalation', {
      from: nameOf(event.escalation.from),
      to: nameOf(event.escalation.to),
      reason: t(`escalationReason.${event.escalation.reason}`),
      due: formatTimestamp(event.escalation.dueAt, language),
    });
  }
  return '';
}

/** Who did what, where (which center, which tier) and when: the alarm's record, oldest first. */
export function EventHistory({ events, alarm, center, nodes }: EventHistoryProps) {
  const { t, i18n } = useTranslation();
  if (events.length === 0) {
    return <p className="detail-section__empty">{t('alarmDetail.historyEmpty')}</p>;
  }
  const nameOf = (nodeId: string): string => nodeLabel(nodeId, { center, nodes, alarm }).name;
  return (
    <ol className="history" data-testid="alarm-history">
      {events.map((event) => {
        const where = nodeLabel(event.node, { center, nodes, alarm });
        const who = event.by === 'system' ? t('alarmDetail.system') : actorName(event);
        const detail = eventDetail(event, t, nameOf, i18n.language);
        return (
          <li key={event.id} className="history__event" data-testid="history-event" data-action={event.action}>
            <time className="history__time" dateTime={event.at}>
              {formatTimestamp(event.at, i18n.language)}
            </time>
            <span className="history__what">
              <strong>{t(`alarmEvent.${event.action}`)}</strong>
              {detail !== '' ? <span> · {detail}</span> : null}
            </span>
            <span className="history__who">
              {t('alarmDetail.actor', { who, where: where.name })}
              {where.tier !== null ? (
                <span className="tier-badge tier-badge--small" data-tier={where.tier}>
                  {t(`tier.${where.tier}`)}
                </span>
              ) : null}
            </span>
            {event.note !== undefined && event.note !== '' ? <p className="history__note">{event.note}</p> : null}
          </li>
        );
      })}
    </ol>
  );
}
