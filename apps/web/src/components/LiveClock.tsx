import { useTranslation } from 'react-i18next';
import { useNow } from '../hooks/use-now';

/** Date and time on the center's clock, to the second: officers note it on incident sheets. */
export function LiveClock({ offsetMs }: { offsetMs: number }) {
  const { i18n } = useTranslation();
  const now = new Date(useNow(1000, offsetMs));
  const date = new Intl.DateTimeFormat(i18n.language, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
  }).format(now);
  const time = new Intl.DateTimeFormat(i18n.language, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(now);
  return (
    <div className="live-clock" data-testid="clock">
      <span className="live-clock__time">{time}</span>
      <span className="live-clock__date">{date}</span>
    </div>
  );
}
