import { LoginRequest, type SessionUser } from '@bsm/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiRequestError } from '../api/api-request-error';
import type { CenterApi } from '../api/center-api';
import { LanguageSwitch } from '../components/LanguageSwitch';

export type LoginNotice = 'sessionEnded' | 'unreachable' | null;

interface LoginPageProps {
  api: CenterApi;
  /** Why the officer is here, if not by choice. */
  notice: LoginNotice;
  onLoggedIn: (user: SessionUser) => void;
}

type LoginError = { key: 'badCredentials' | 'missingFields' | 'unreachable' } | { key: 'failed'; message: string };

function loginErrorOf(error: unknown): LoginError {
  if (error instanceof ApiRequestError) {
    if (error.status === 401) {
      return { key: 'badCredentials' };
    }
    if (error.isNetworkError || error.status >= 502) {
      return { key: 'unreachable' };
    }
    return { key: 'failed', message: error.message };
  }
  return { key: 'failed', message: error instanceof Error ? error.message : String(error) };
}

export function LoginPage({ api, notice, onLoggedIn }: LoginPageProps) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<LoginError | null>(null);

  const submit = async (): Promise<void> => {
    const request = LoginRequest.safeParse({ username, password });
    if (!request.success) {
      setError({ key: 'missingFields' });
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const response = await api.login(request.data);
      onLoggedIn(response.user);
    } catch (caught) {
      setError(loginErrorOf(caught));
      setSubmitting(false);
    }
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    void submit();
  };

  const errorText =
    error === null
      ? null
      : error.key === 'failed'
        ? t('login.failed', { message: error.message })
        : t(`login.${error.key}`);
  const noticeText = notice === null ? null : t(`login.${notice}`);

  return (
    <main className="login-page" data-testid="login-page">
      <div className="login-page__lang">
        <LanguageSwitch />
      </div>
      <form className="login-card" onSubmit={onSubmit} noValidate>
        <h1 className="login-card__product">{t('app.title')}</h1>
        <h2 className="login-card__title">{t('login.title')}</h2>
        {noticeText !== null && error === null ? (
          <p className="notice" data-testid="login-notice">
            {noticeText}
          </p>
        ) : null}
        <label className="field">
          <span className="field__label">{t('login.username')}</span>
          <input
            className="text-input"
            data-testid="login-username"
            name="username"
            autoComplete="username"
            autoFocus
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field__label">{t('login.password')}</span>
          <input
            className="text-input"
            data-testid="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {errorText !== null ? (
          <p className="notice notice--error" data-testid="login-error" role="alert">
            {errorText}
          </p>
        ) : null}
        <button type="submit" className="button button--primary" data-testid="login-submit" disabled={submitting}>
          {submitting ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
