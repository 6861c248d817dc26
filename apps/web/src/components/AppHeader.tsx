import type { CenterInfo, SessionUser } from '@bsm/protocol';
import type { SustainedTone } from '../audio/tone-policy';
import { useTranslation } from 'react-i18next';
import type { Screen } from '../navigation/screen-route';
import type { LinkState } from '../realtime/connection-monitor';
import { ConnectionIndicator } from './ConnectionIndicator';
import { Icon } from './Icon';
import { LanguageSwitch } from './LanguageSwitch';
import { LiveClock } from './LiveClock';

interface AppHeaderProps {
  center: CenterInfo;
  user: SessionUser;
  link: LinkState;
  clockOffsetMs: number;
  /** Briefly true after an urgent alarm. */
  flashing: boolean;
  onLogout: () => void;
  screen: Screen;
  onScreen: (screen: Screen) => void;
  /** This center's alarms not yet acknowledged, counted on the alarm console's tab. */
  awaiting: number;
  muted: boolean;
  /** The tone that keeps sounding (unless muted) while alarms wait for acknowledgement. */
  tone: SustainedTone | null;
  onMuted: (muted: boolean) => void;
}

export function AppHeader({
  center,
  user,
  link,
  clockOffsetMs,
  flashing,
  onLogout,
  screen,
  onScreen,
  awaiting,
  muted,
  tone,
  onMuted,
}: AppHeaderProps) {
  const { t } = useTranslation();
  const navButton = (target: Screen, testId: string, label: string, count = 0) => (
    <button
      type="button"
      className={`screen-nav__button${screen === target ? ' screen-nav__button--active' : ''}`}
      data-testid={testId}
      aria-current={screen === target ? 'page' : undefined}
      onClick={() => onScreen(target)}
    >
      {label}
      {count > 0 ? (
        <span className="screen-nav__count" data-testid={`${testId}-count`} title={t('nav.awaiting', { count })}>
          {count}
        </span>
      ) : null}
    </button>
  );
  return (
    <header className={`app-header${flashing ? ' app-header--flash' : ''}`}>
      <div className="app-header__title">
        <span className="app-header__center" data-testid="center-name">
          {center.name}
        </span>
        <span className="tier-badge" data-testid="center-tier" data-tier={center.tier}>
          {t(`tier.${center.tier}`)}
        </span>
        <span className="app-header__product">{t('app.title')}</span>
      </div>
      <nav className="screen-nav" aria-label={t('app.title')}>
        {navButton('map', 'nav-map-wall', t('nav.mapWall'))}
        {navButton('video', 'nav-video-wall', t('nav.videoWall'))}
        {navButton('alarms', 'nav-alarm-console', t('nav.alarmConsole'), awaiting)}
      </nav>
      <button
        type="button"
        className={`button sound-toggle${muted ? ' sound-toggle--muted' : ''}${tone !== null && muted ? ' sound-toggle--silenced' : ''}`}
        data-testid="alarm-sound-toggle"
        data-tone={tone ?? 'none'}
        aria-pressed={muted}
        title={muted ? t('sound.unmute') : t('sound.mute')}
        aria-label={muted ? t('sound.unmute') : t('sound.mute')}
        onClick={() => onMuted(!muted)}
      >
        <Icon name={muted ? 'muted' : 'speaker'} size={20} />
      </button>
      <LiveClock offsetMs={clockOffsetMs} />
      <div className="app-header__tools">
        <ConnectionIndicator link={link} />
        <span className="app-header__user" data-testid="current-user">
          {t('header.user', { name: user.displayName, role: t(`role.${user.role}`) })}
        </span>
        <LanguageSwitch />
        <button type="button" className="button button--ghost" data-testid="logout" onClick={onLogout}>
          {t('header.logout')}
        </button>
      </div>
    </header>
  );
}
