import { useTranslation } from 'react-i18next';
import type { LinkState } from '../realtime/connection-monitor';

/** Live-link lamp. data-state is only "connected" when the center answers; anything else is "disconnected". */
export function ConnectionIndicator({ link }: { link: LinkState }) {
  const { t } = useTranslation();
  const connected = link === 'connected';
  const label =
    link === 'connected'
      ? t('connection.connected')
      : link === 'connecting'
        ? t('connection.connecting')
        : link === 'reconnecting'
          ? t('connection.reconnecting')
          : t('connection.disconnected');
  return (
    <div
      className={`connection-indicator connection-indicator--${link}`}
      data-testid="connection-state"
      data-state={connected ? 'connected' : 'disconnected'}
      role="status"
    >
      <span className="connection-indicator__lamp" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}
