import { ROLES, type OrgNode, type UserSummary } from '@bsm/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { passwordHint, permissionChoices, togglePermission, withRole, type UserForm } from '../../user-admin/user-form';

interface UserDialogProps {
  /** The user being edited; absent: a new one. */
  user?: UserSummary;
  initial: UserForm;
  org: readonly OrgNode[];
  /** Resolves with an error message to show, or null once saved. */
  onSave: (form: UserForm) => Promise<string | null>;
  onCancel: () => void;
}

/** Creating or editing a user: role, permissions within its ceiling, jurisdiction, addresses. */
export function UserDialog({ user, initial, org, onSave, onCancel }: UserDialogProps) {
  const { t } = useTranslation();
  const [form, setForm] = useState<UserForm>(initial);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const creating = user === undefined;
  const problems = creating ? passwordHint(form) : [];
  const jurisdictions = form.role === 'branch_staff' ? org.filter((n) => n.kind === 'branch') : org;
  const set = (patch: Partial<UserForm>): void => setForm((previous) => ({ ...previous, ...patch }));

  return (
    <div className="modal-backdrop" onClick={onCancel}>
      <form
        className="modal user-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="user-dialog-title"
        data-testid="user-dialog"
        onClick={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            onCancel();
          }
        }}
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          setFailure(null);
          void onSave(form).then((error) => {
            setBusy(false);
            setFailure(error);
          });
        }}
      >
        <h2 id="user-dialog-title" className="modal__title">
          {creating ? t('userAdmin.createTitle') : t('userAdmin.editTitle', { user: user.username })}
        </h2>
        <div className="user-dialog__grid">
          <label className="field">
            <span className="field__label">{t('userAdmin.username')}</span>
            <input
              className="text-input"
              data-testid="user-username"
              value={form.username}
              disabled={!creating}
              autoComplete="off"
              onChange={(event) => set({ username: event.target.value.toLowerCase() })}
            />
          </label>
          <label className="field">
            <span className="field__label">{t('userAdmin.displayName')}</span>
            <input
              className="text-input"
              data-testid="user-display-name"
              value={form.displayName}
              onChange={(event) => set({ displayName: event.target.value })}
            />
          </label>
          <label className="field">
            <span className="field__label">{t('userAdmin.role')}</span>
            <select
              className="text-input"
              data-testid="user-role"
              value={form.role}
              onChange={(event) => setForm((previous) => withRole(previous, event.target.value as UserForm['role']))}
            >
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {t(`role.${role}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">{t('userAdmin.jurisdiction')}</span>
            <select
              className="text-input"
              data-testid="user-jurisdiction"
              value={form.jurisdiction}
              onChange={(event) => set({ jurisdiction: event.target.value })}
            >
              {jurisdictions.map((node) => (
                <option key={node.id} value={node.id}>
                  {node.name}
                </option>
              ))}
            </select>
          </label>
          {creating ? (
            <label className="field user-dialog__wide">
              <span className="field__label">{t('userAdmin.password')}</span>
              <input
                className="text-input"
                data-testid="user-password"
                type="password"
                autoComplete="new-password"
                value={form.password}
                onChange={(event) => set({ password: event.target.value })}
              />
              {problems.length > 0 ? (
                <span className="user-dialog__problems" data-testid="user-password-problems">
                  {problems.map((p) => t(`passwordProblem.${p}`)).join('；')}
                </span>
              ) : null}
            </label>
          ) : null}
        </div>
        <fieldset className="user-dialog__permissions" data-testid="user-permissions">
          <legend>
            {t('userAdmin.permissions')}（{form.permissions === null ? t('userAdmin.defaults') : t('userAdmin.custom')}
            ）
          </legend>
          {permissionChoices(form).map(({ permission, checked }) => (
            <label key={permission} className="user-dialog__permission">
              <input
                type="checkbox"
                data-testid={`user-permission-${permission}`}
                checked={checked}
                onChange={() => setForm((previous) => togglePermission(previous, permission))}
              />
              {t(`permission.${permission}`)}
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span className="field__label">{t('userAdmin.allowedIps')}</span>
          <textarea
            className="text-input"
            data-testid="user-allowed-ips"
            rows={2}
            placeholder={t('userAdmin.allowedIpsHint')}
            value={form.allowedIps}
            onChange={(event) => set({ allowedIps: event.target.value })}
          />
        </label>
        {!creating ? (
          <label className="user-dialog__permission">
            <input
              type="checkbox"
              data-testid="user-disabled"
              checked={form.disabled}
              onChange={(event) => set({ disabled: event.target.checked })}
            />
            {t('userAdmin.disable')}
          </label>
        ) : null}
        {failure !== null ? (
          <p className="notice notice--error" role="alert" data-testid="user-dialog-error">
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
            data-testid="user-save"
            disabled={busy || problems.length > 0}
          >
            {t('userAdmin.save')}
          </button>
        </div>
      </form>
    </div>
  );
}
