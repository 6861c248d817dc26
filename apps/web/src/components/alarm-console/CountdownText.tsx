import { useTranslation } from 'react-i18next';
import { countdownTo } from '../../alarm/countdown';

/** Time left to acknowledge before the alarm goes to the parent center; red once overdue. */
export function CountdownText({ deadlineAt, nowMs }: { deadlineAt: string | null; nowMs: number }) {
  const { t } = useTranslation();
  const countdown = countdownTo(deadlineAt, nowMs);
  if (countdown === null) {
    return <span className="countdown countdown--none">—</span>;
  }
  return (
    <span
      className={`countdown${countdown.overdue ? ' countdown--overdue' : ''}`}
      data-testid="countdown"
      data-overdue={countdown.overdue}
    >
      {countdown.overdue
        ? t('alarmConsole.overdue', { clock: countdown.clock })
        : t('alarmConsole.remaining', { clock: countdown.clock })}
    </span>
  );
}
