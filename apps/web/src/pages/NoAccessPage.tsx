import type { SessionUser } from '@bsm/protocol';
import { useTranslation } from 'react-i18next';
import type { CenterApi } from '../api/center-api';
import { PlainHeader } from '../components/PlainHeader';

interface NoAccessPageProps {
  api: CenterApi;
  user: SessionUser;
  onSessionEnded: () => void;
  onLoggedOut: () => void;
}

/** A signed-in user whose permissions open no screen here: say so, and who can change it. */
export function NoAccessPage({ api, user, onLoggedOut }: NoAccessPageProps) {
  const { t } = useTranslation();
  const logout = (): void => {
    void api
      .logout()
      .catch(() => undefined)
      .finally(onLoggedOut);
  };
  return (
    <div className="plain-page" data-testid="no-access">
      <PlainHeader title={t('app.title')} subtitle={user.center.name} user={user} onLogout={logout} />
      <main className="plain-page__main">
        <p className="notice">{t('noAccess.text')}</p>
      </main>
    </div>
  );
}
