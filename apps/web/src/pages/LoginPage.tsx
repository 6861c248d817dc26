import { LoginRequest, type SessionUser } from '@bsm/protocol';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CenterApi } from '../api/center-api';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { groupedSecret, loginErrorOf, nextStage, type LoginError, type LoginStage } from './login-flow';

export type LoginNotice = 'sessionEnded' | 'unreachable' | 'ssoFailed' | null;

interface LoginPageProps {
  api: CenterApi;
  /** Why the officer is here, if not by choice. */
  notice: LoginNotice;
  onLoggedIn: (user: SessionUser) => void;
}

/**
 * Sign-in with two factors: the password, then the six-digit code of the
 * user's authenticator app (or a recovery code). The first sign-in sets the
 * authenticator up from a QR code drawn by the center and shows the
 * recovery codes once.
 */
export function LoginPage({ api, notice, onLoggedIn }: LoginPageProps) {
  const { t } = useTranslation();
  const [stage, setStage] = useState<LoginStage>({ stage: 'password' });
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<LoginError | null>(null);

  const advance = (next: LoginStage): void => {
    setCode('');
    setError(null);
    if (next.stage === 'done') {
      onLoggedIn(next.user);
      return;
    }
    setStage(next);
  };

  const run = async (step: () => Promise<LoginStage>): Promise<void> => {
    setSubmitting(true);
    setError(null);
    try {
      advance(await step());
    } catch (caught) {
      const failure = loginErrorOf(caught);
      setError(failure.error);
      setCode('');
      if (failure.restart) {
        setPassword('');
        setStage({ stage: 'password' });
      }
    } finally {
      setSubmitting(false);
    }
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (submitting) {
      return;
    }
    switch (stage.stage) {
      case 'password': {
        const request = LoginRequest.safeParse({ username, password });
        if (!request.success) {
          setError({ key: 'missingFields' });
          return;
        }
        void run(async () => nextStage(await api.login(request.data)));
        return;
      }
      case 'code':
        void run(async () =>
          nextStage(
            await api.loginTotp(
              stage.recovery
                ? { challenge: stage.challenge, recoveryCode: code }
                : { challenge: stage.challenge, code },
            ),
          ),
        );
        return;
      case 'enroll':
        void run(async () => nextStage(await api.loginEnroll({ challenge: stage.challenge, code })));
        return;
      case 'recovery':
        onLoggedIn(stage.user);
        return;
      case 'done':
        return;
    }
  };

  const errorText =
    error === null
      ? null
      : error.key === 'failed'
        ? t('login.failed', { message: error.message })
        : t(`login.${error.key}`);
  const noticeText = notice === null || stage.stage !== 'password' ? null : t(`login.${notice}`);
  const codeField = (label: string, hint: string, recovery: boolean): ReactNode => (
    <label className="field">
      <span className="field__label">{label}</span>
      <input
        className="text-input login-card__code"
        data-testid={recovery ? 'login-recovery-code' : 'login-code'}
        name={recovery ? 'recovery-code' : 'one-time-code'}
        autoComplete="one-time-code"
        inputMode={recovery ? 'text' : 'numeric'}
        maxLength={recovery ? 9 : 6}
        placeholder={hint}
        autoFocus
        value={code}
        onChange={(event) => setCode(recovery ? event.target.value : event.target.value.replace(/\D/g, ''))}
      />
    </label>
  );
  const back = (
    <button
      type="button"
      className="button button--ghost"
      data-testid="login-back"
      onClick={() => {
        setError(null);
        setPassword('');
        setStage({ stage: 'password' });
      }}
    >
      {t('login.back')}
    </button>
  );

  return (
    <main className="login-page" data-testid="login-page" data-stage={stage.stage}>
      <div className="login-page__lang">
        <LanguageSwitch />
      </div>
      <form className="login-card" onSubmit={onSubmit} noValidate>
        <h1 className="login-card__product">{t('app.title')}</h1>
        {stage.stage === 'password' ? (
          <>
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
          </>
        ) : null}
        {stage.stage === 'code' ? (
          <>
            <h2 className="login-card__title">{t('login.codeTitle')}</h2>
            <p className="muted">{stage.recovery ? t('login.recoveryCodeHint') : t('login.codeHint')}</p>
            {stage.recovery
              ? codeField(t('login.recoveryCode'), 'ABCD-EFGH', true)
              : codeField(t('login.code'), '000000', false)}
            <button
              type="button"
              className="button button--ghost"
              data-testid="login-toggle-recovery"
              onClick={() => {
                setCode('');
                setError(null);
                setStage({ ...stage, recovery: !stage.recovery });
              }}
            >
              {stage.recovery ? t('login.useCode') : t('login.useRecovery')}
            </button>
          </>
        ) : null}
        {stage.stage === 'enroll' ? (
          <>
            <h2 className="login-card__title">{t('login.enrollTitle')}</h2>
            <p className="muted">{t('login.enrollHint')}</p>
            <img
              className="login-card__qr"
              data-testid="login-enroll-qr"
              alt={t('login.enrollQr')}
              src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(stage.enrollment.qrSvg)}`}
            />
            <p className="login-card__secret">
              <span className="muted">{t('login.secret')}</span>{' '}
              <code data-testid="login-enroll-secret" data-secret={stage.enrollment.secret}>
                {groupedSecret(stage.enrollment.secret)}
              </code>
            </p>
            {codeField(t('login.code'), '000000', false)}
          </>
        ) : null}
        {stage.stage === 'recovery' ? (
          <>
            <h2 className="login-card__title">{t('login.recoveryTitle')}</h2>
            <p className="muted">{t('login.recoveryHint')}</p>
            <ol className="login-card__recovery" data-testid="login-recovery-codes">
              {stage.codes.map((c) => (
                <li key={c}>
                  <code>{c}</code>
                </li>
              ))}
            </ol>
          </>
        ) : null}
        {errorText !== null ? (
          <p className="notice notice--error" data-testid="login-error" role="alert">
            {errorText}
          </p>
        ) : null}
        <div className="login-card__buttons">
          {stage.stage === 'code' || stage.stage === 'enroll' ? back : null}
          <button type="submit" className="button button--primary" data-testid="login-submit" disabled={submitting}>
            {stage.stage === 'password'
              ? submitting
                ? t('login.submitting')
                : t('login.submit')
              : stage.stage === 'recovery'
                ? t('login.recoverySaved')
                : t('login.verify')}
          </button>
        </div>
      </form>
    </main>
  );
}
