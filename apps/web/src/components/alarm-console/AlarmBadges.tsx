import type { AlarmView } from '@bsm/protocol';
import { useTranslation } from 'react-i18next';
import { badgesOf } from '../../alarm/alarm-badges';

/** Escalated here / up, late escalation, latched, restored: small marks beside an alarm. */
export function AlarmBadges({ alarm, centerId }: { alarm: AlarmView; centerId: string }) {
  const { t } = useTranslation();
  const badges = badgesOf(alarm, centerId);
  if (badges.length === 0) {
    return null;
  }
  return (
    <span className="alarm-badges">
      {badges.map((badge) => (
        <span key={badge} className={`alarm-badge alarm-badge--${badge}`} data-testid={`badge-${badge}`}>
          {t(`alarmConsole.${badge}`)}
        </span>
      ))}
    </span>
  );
}
