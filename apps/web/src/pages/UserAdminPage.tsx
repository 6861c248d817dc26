import type { OrgNode, SessionUser, UserSummary } from '@bsm/protocol';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiRequestError } from '../api/api-request-error';
import type { CenterApi } from '../api/center-api';
import { PlainHeader } from '../components/PlainHeader';
import { PasswordDialog } from '../components/user-admin/PasswordDialog';
import { UserDialog } from '../components/user-admin/UserDialog';
import { formatTimestamp } from '../format/date-time';
import { createRequest, emptyForm, formOf, updateRequest, type UserForm } from '../user-admin/user-form';

interface UserAdminPageProps {
  api: CenterApi;
  user: SessionUser;
  onSessionEnded: () => void;
  onLoggedOut: () => void;
}

type Dialog = { kind: 'create' } | { kind: 'edit'; user: UserSummary } | { kind: 'password'; user: UserSummary } | null;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * 用户管理, the security administrator's screen (S3): the users of their
 * jurisdiction with role, permissions, jurisdiction, addresses and
 * two-factor state; create, edit, reset a password or an authenticator,
 * unlock. The center enforces every rule; the screen only offers what a
 * role may hold.
 */
export function UserAdminPage({ api, user, onSessionEnded, onLoggedOut }: UserAdminPageProps) {
  const { t, i18n } = useTranslation();
  const [users, setUsers] = useState<UserSummary[] | null>(null);
  const [org, setOrg] = useState<OrgNode[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const failed = useCallback(
    (error: unknown): string => {
      if (error instanceof ApiRequestError && error.isUnauthorized) {
        onSessionEnded();
      }
      return t('userAdmin.failed', { message: messageOf(error) });
    },
    [onSessionEnded, t],
  );

  const reload = useCallback(async (): Promise<void> => {
    try {
      const [list, tree] = await Promise.all([api.users(), api.org()]);
      setUsers(list.users);
      setOrg(tree.nodes);
      setFailure(null);
    } catch (error) {
      setFailure(failed(error));
    }
  }, [api, failed]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const names = useMemo(() => new Map(org.map((n) => [n.id, n.name])), [org]);
  const shown = (users ?? []).filter(
    (u) => filter.trim() === '' || `${u.username} ${u.displayName}`.toLowerCase().includes(filter.trim().toLowerCase()),
  );

  const run = async (action: () => Promise<unknown>): Promise<string | null> => {
    try {
      await action();
      setDialog(null);
      setNotice(t('userAdmin.saved'));
      await reload();
      return null;
    } catch (error) {
      return failed(error);
    }
  };
  const save = (form: UserForm): Promise<string | null> => {
    if (dialog?.kind === 'edit') {
      const change = updateRequest(dialog.user, form);
      return change === null ? run(() => Promise.resolve()) : run(() => api.updateUser(dialog.user.username, change));
    }
    return run(() => api.createUser(createRequest(form)));
  };
  const logout = (): void => {
    void api
      .logout()
      .catch(() => undefined)
      .finally(onLoggedOut);
  };

  return (
    <div className="plain-page" data-testid="user-admin" data-loaded={users !== null}>
      <PlainHeader title={t('userAdmin.title')} subtitle={t('userAdmin.subtitle')} user={user} onLogout={logout} />
      <main className="plain-page__main">
        <div className="user-admin__bar">
          <input
            className="text-input"
            placeholder={t('userAdmin.filter')}
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
          />
          <button
            type="button"
            className="button button--primary"
            data-testid="user-create"
            onClick={() => setDialog({ kind: 'create' })}
          >
            {t('userAdmin.create')}
          </button>
          {notice !== null ? (
            <span className="muted" role="status">
              {notice}
            </span>
          ) : null}
        </div>
        {failure !== null ? (
          <p className="notice notice--error" role="alert" data-testid="user-admin-error">
            {failure}
          </p>
        ) : null}
        <table className="data-table" data-testid="user-table">
          <thead>
            <tr>
              <th>{t('userAdmin.username')}</th>
              <th>{t('userAdmin.displayName')}</th>
              <th>{t('userAdmin.role')}</th>
              <th>{t('userAdmin.jurisdiction')}</th>
              <th>{t('userAdmin.permissions')}</th>
              <th>{t('userAdmin.twoFactor')}</th>
              <th>{t('userAdmin.allowedIps')}</th>
              <th>{t('userAdmin.state')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.map((u) => {
              const self = u.username === user.username;
              return (
                <tr key={u.username} data-testid="user-row" data-username={u.username} data-role={u.role}>
                  <td>{u.username}</td>
                  <td>
                    {u.displayName}
                    {self ? <span className="muted"> {t('userAdmin.self')}</span> : null}
                  </td>
                  <td className="data-table__nowrap">{t(`role.${u.role}`)}</td>
                  <td>{names.get(u.jurisdiction) ?? u.jurisdiction}</td>
                  <td className="data-table__wrap">
                    {u.permissions.map((p) => t(`permission.${p}`)).join('、')}
                    {u.chosenPermissions !== null ? <span className="muted">（{t('userAdmin.custom')}）</span> : null}
                  </td>
                  <td>
                    {u.totpEnrolled
                      ? t('userAdmin.enrolled', { count: u.recoveryCodesLeft })
                      : t('userAdmin.notEnrolled')}
                  </td>
                  <td>{u.allowedIps.length > 0 ? u.allowedIps.join(' ') : t('userAdmin.anywhere')}</td>
                  <td className="data-table__nowrap" data-testid="user-state">
                    {u.disabled
                      ? t('userAdmin.disabled')
                      : u.lockedUntil !== null
                        ? t('userAdmin.locked', { time: formatTimestamp(u.lockedUntil, i18n.language) })
                        : t('userAdmin.active')}
                  </td>
                  <td className="data-table__actions">
                    {self ? null : (
                      <>
                        <button
                          type="button"
                          className="button"
                          data-testid="user-edit"
                          onClick={() => setDialog({ kind: 'edit', user: u })}
                        >
                          {t('userAdmin.edit')}
                        </button>
                        <button
                          type="button"
                          className="button"
                          onClick={() => setDialog({ kind: 'password', user: u })}
                        >
                          {t('userAdmin.resetPassword')}
                        </button>
                        {u.totpEnrolled ? (
                          <button
                            type="button"
                            className="button"
                            onClick={() => {
                              if (window.confirm(t('userAdmin.confirmResetTotp', { user: u.username }))) {
                                void run(() => api.resetTotp(u.username)).then((e) => e !== null && setFailure(e));
                              }
                            }}
                          >
                            {t('userAdmin.resetTotp')}
                          </button>
                        ) : null}
                        {u.lockedUntil !== null ? (
                          <button
                            type="button"
                            className="button"
                            onClick={() =>
                              void run(() => api.unlock(u.username)).then((e) => e !== null && setFailure(e))
                            }
                          >
                            {t('userAdmin.unlock')}
                          </button>
                        ) : null}
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {users !== null && shown.length === 0 ? <p className="panel-empty">{t('userAdmin.empty')}</p> : null}
      </main>
      {dialog?.kind === 'create' ? (
        <UserDialog initial={emptyForm(user.jurisdiction)} org={org} onSave={save} onCancel={() => setDialog(null)} />
      ) : null}
      {dialog?.kind === 'edit' ? (
        <UserDialog
          user={dialog.user}
          initial={formOf(dialog.user)}
          org={org}
          onSave={save}
          onCancel={() => setDialog(null)}
        />
      ) : null}
      {dialog?.kind === 'password' ? (
        <PasswordDialog
          username={dialog.user.username}
          onSave={(password) => run(() => api.setPassword(dialog.user.username, password))}
          onCancel={() => setDialog(null)}
        />
      ) : null}
    </div>
  );
}
