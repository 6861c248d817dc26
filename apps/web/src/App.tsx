import { canMonitor, type SessionUser } from '@bsm/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiRequestError } from './api/api-request-error';
import { centerApi } from './api/center-api';
import { AuditPage } from './pages/AuditPage';
import { BranchPanelPage } from './pages/BranchPanelPage';
import { LoginPage, type LoginNotice } from './pages/LoginPage';
import { MapWallPage } from './pages/MapWallPage';

type Session =
  { phase: 'checking' } | { phase: 'signedOut'; notice: LoginNotice } | { phase: 'signedIn'; user: SessionUser };

/** Asks the center (GET /api/me) whether a session exists, then shows the login, the console or a branch's panel. */
export function App() {
  const { t } = useTranslation();
  const [session, setSession] = useState<Session>({ phase: 'checking' });

  useEffect(() => {
    const controller = new AbortController();
    centerApi
      .me(controller.signal)
      .then((response) => setSession({ phase: 'signedIn', user: response.user }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) {
          return;
        }
        const unreachable = error instanceof ApiRequestError && (error.isNetworkError || error.status >= 502);
        setSession({ phase: 'signedOut', notice: unreachable ? 'unreachable' : null });
      });
    return () => controller.abort();
  }, []);

  useEffect(() => {
    document.title = t('app.title');
  }, [t]);

  switch (session.phase) {
    case 'checking':
      return <div className="app-loading">{t('app.loading')}</div>;
    case 'signedOut':
      return (
        <LoginPage
          api={centerApi}
          notice={session.notice}
          onLoggedIn={(user) => setSession({ phase: 'signedIn', user })}
        />
      );
    case 'signedIn':
      // Branch staff get their branch's panel; everyone else the monitoring console.
      if (session.user.role === 'branch_staff') {
        return (
          <BranchPanelPage
            api={centerApi}
            user={session.user}
            onSessionEnded={() => setSession({ phase: 'signedOut', notice: 'sessionEnded' })}
            onLoggedOut={() => setSession({ phase: 'signedOut', notice: null })}
          />
        );
      }
      // Auditors (the audit permission and no monitoring one) get the audit log.
      if (session.user.permissions.includes('audit') && !canMonitor(session.user.permissions)) {
        return (
          <AuditPage
            api={centerApi}
            user={session.user}
            onSessionEnded={() => setSession({ phase: 'signedOut', notice: 'sessionEnded' })}
            onLoggedOut={() => setSession({ phase: 'signedOut', notice: null })}
          />
        );
      }
      return (
        <MapWallPage
          api={centerApi}
          user={session.user}
          onSessionEnded={() => setSession({ phase: 'signedOut', notice: 'sessionEnded' })}
          onLoggedOut={() => setSession({ phase: 'signedOut', notice: null })}
        />
      );
  }
}
