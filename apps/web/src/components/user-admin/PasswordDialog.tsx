import { passwordProblems } from '@bsm/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

interface PasswordDialogProps {
  username: string;
  onSave: (password: string) => Promise<string | null>;
  onCancel: () => void;
}

/** A new password for a user, checked against the rules as it is typed. */
export function PasswordDialog({ username, onSave, onCancel }: PasswordDialogProps) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const problems = passwordProblems(password, username);
  return (
    <div className="modal-backdrop" onClick={onCancel}>
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        data-testid="password-dialog"
        onClick={(event) => event.stopPropagation()}
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          void onSave(password).then((error) => {
            setBusy(false);
            setFailure(error);
          });
        }}
      >
        <h2 className="modal__title">{t('userAdmin.passwordTitle', { user: username })}</h2>
        <label className="field">
          <span className="field__label">{t('userAdmin.newPassword')}</span>
          <input
            className="text-input"
            type="password"
            autoComplete="new-password"
            data-testid="password-new"
            autoFocus
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          {password.length > 0 && problems.length > 0 ? (
            <span className="user-dialog__problems">{problems.map((p) => t(`passwordProblem.${p}`)).join('；')}</span>
          ) : null}
        </label>
        {failure !== null ? (
          <p className="notice notice--error" role="alert">
            {failure}
          </p>
        ) : null}
        <div className="modal__buttons">
          <button type="button" className="button" onClick={onCancel}>
            {t('userAdmin.cancel')}
          </button>
          <button
            type="submit"
            className="button button--primary"
            data-testid="password-save"
            disabled={busy || problems.length > 0}
          >
            {t('userAdmin.save')}
          </button>
        </div>
      </form>
    </div>
  );
}
