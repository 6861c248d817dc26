import type { SessionUser } from '@bsm/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiRequestError } from './api/api-request-error';
import { centerApi } from './api/center-api';
import { AuditPage } from './pages/AuditPage';
import { BranchPanelPage } from './pages/BranchPanelPage';
import { NoAccessPage } from './pages/NoAccessPage';
import { screenFor } from './pages/screen-for';
import { UserAdminPage } from './pages/UserAdminPage';
import { LoginPage, type LoginNotice } from './pages/LoginPage';
import { MapWallPage } from './pages/MapWallPage';
import { ssoTicketIn } from './pages/sso-ticket';

type Session =
  { phase: 'checking' } | { phase: 'signedOut'; notice: LoginNotice } | { phase: 'signedIn'; user: SessionUser };

/** Asks the center (GET /api/me) whether a session exists, then shows the login, the console or a branch's panel. */
export function App() {
  const { t } = useTranslation();
  const [session, setSession] = useState<Session>({ phase: 'checking' });

  useEffect(() => {
    const controller = new AbortController();
    // Opened from a center above with a sign-on ticket: trade it for a session here, then forget it.
    const ticket = ssoTicketIn(window.location.hash);
    if (ticket !== null) {
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
      centerApi
        .loginSso(ticket)
        .then((answer) =>
          setSession(
            answer.step === 'done'
              ? { phase: 'signedIn', user: answer.user }
              : { phase: 'signedOut', notice: 'ssoFailed' },
          ),
        )
        .catch(() => setSession({ phase: 'signedOut', notice: 'ssoFailed' }));
      return () => controller.abort();
    }
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
    case 'signedIn': {
      const ended = (): void => setSession({ phase: 'signedOut', notice: 'sessionEnded' });
      const loggedOut = (): void => setSession({ phase: 'signedOut', notice: null });
      const props = { api: centerApi, user: session.user, onSessionEnded: ended, onLoggedOut: loggedOut };
      // The screen follows what the user may do: officers get the monitoring console, branch staff their
      // panel, security administrators the user administration, auditors the audit log; none of them sees
      // the others' screens.
      switch (screenFor(session.user.permissions)) {
        case 'console':
          return <MapWallPage {...props} />;
        case 'panel':
          return <BranchPanelPage {...props} />;
        case 'users':
          return <UserAdminPage {...props} />;
        case 'audit':
          return <AuditPage {...props} />;
        case 'none':
          return <NoAccessPage {...props} />;
      }
    }
  }
}
