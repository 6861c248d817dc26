import type { SessionUser } from '@bsm/protocol';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './LanguageSwitch';
import { LiveClock } from './LiveClock';

interface PlainHeaderProps {
  title: string;
  subtitle: string;
  user: SessionUser;
  clockOffsetMs?: number;
  onLogout: () => void;
  /** Shown before the user's name (e.g. the live link's lamp). */
  tools?: ReactNode;
}

/** The header of the screens outside the monitoring console: the branch panel, user administration, audit. */
export function PlainHeader({ title, subtitle, user, clockOffsetMs = 0, onLogout, tools }: PlainHeaderProps) {
  const { t } = useTranslation();
  return (
    <header className="app-header">
      <div className="app-header__title">
        <span className="app-header__center" data-testid="page-title">
          {title}
        </span>
        <span className="app-header__product">{subtitle}</span>
      </div>
      <span className="muted">{user.center.name}</span>
      <LiveClock offsetMs={clockOffsetMs} />
      <div className="app-header__tools">
        {tools}
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
