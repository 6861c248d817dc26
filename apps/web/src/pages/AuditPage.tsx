import {
  ALARM_ACTIONS,
  type AlarmAction,
  type AuditListResponse,
  type AuditRecord,
  type AuditSourcesResponse,
  type SessionUser,
} from '@bsm/protocol';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiRequestError } from '../api/api-request-error';
import { auditExportUrl, type CenterApi } from '../api/center-api';
import {
  ACTION_CHOICES,
  EMPTY_FORM,
  PAGE_SIZE,
  actionLabel,
  currentCursor,
  detailText,
  filterOf,
  firstPage,
  formatAuditTime,
  newerPage,
  olderPage,
  pageNumber,
  shortHash,
  type AuditFilter,
  type AuditForm,
  type FormProblem,
  type Paging,
} from '../audit/audit-view';
import { LanguageSwitch } from '../components/LanguageSwitch';

interface AuditPageProps {
  api: CenterApi;
  /** An auditor: holds the `audit` permission and no monitoring one. */
  user: SessionUser;
  onSessionEnded: () => void;
  onLoggedOut: () => void;
}

type PageState =
  | { load: 'loading' }
  | { load: 'ready'; page: AuditListResponse }
  | { load: 'failed'; reason: 'unavailable' | 'forbidden' | 'other'; message: string };

/** What the center answered, and to which search (an answer to an earlier one is not shown as current). */
interface Answer {
  key: string;
  state: PageState;
}

function failureOf(error: unknown): PageState {
  if (error instanceof ApiRequestError && error.code === 'audit_unavailable') {
    return { load: 'failed', reason: 'unavailable', message: error.message };
  }
  if (error instanceof ApiRequestError && error.status === 403) {
    return { load: 'failed', reason: 'forbidden', message: error.message };
  }
  return { load: 'failed', reason: 'other', message: error instanceof Error ? error.message : String(error) };
}

const isAlarmAction = (a: string): a is AlarmAction => (ALARM_ACTIONS as readonly string[]).includes(a);

/**
 * The auditor's screen (审计日志): the chains held at this center (its own
 * and the copies of the centers below), searched by time, actor, action,
 * target and outcome, newest first, a page at a time; exported as CSV or
 * NDJSON with sequence numbers and hashes, so a file verifies offline.
 * Every search and export is recorded by the center before it answers.
 */
export function AuditPage({ api, user, onSessionEnded, onLoggedOut }: AuditPageProps) {
  const { t, i18n } = useTranslation();
  const [sources, setSources] = useState<AuditSourcesResponse | null>(null);
  const [source, setSource] = useState(user.center.id);
  const [form, setForm] = useState<AuditForm>(EMPTY_FORM);
  const [applied, setApplied] = useState<AuditFilter>({});
  const [paging, setPaging] = useState<Paging>(firstPage);
  const [answer, setAnswer] = useState<Answer>({ key: '', state: { load: 'loading' } });
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const onSessionEndedRef = useRef(onSessionEnded);
  onSessionEndedRef.current = onSessionEnded;

  const query = useMemo(
    () => ({ ...applied, source, limit: PAGE_SIZE, cursor: currentCursor(paging) }),
    [applied, source, paging],
  );
  const key = JSON.stringify(query);
  useEffect(() => {
    const controller = new AbortController();
    const asked = JSON.stringify(query);
    // The chains held here and their heads, fresh with every search (new entries keep arriving).
    api.auditSources(controller.signal).then(setSources, () => undefined);
    api.audit(query, controller.signal).then(
      (page) => setAnswer({ key: asked, state: { load: 'ready', page } }),
      (error: unknown) => {
        if (controller.signal.aborted) {
          return;
        }
        if (error instanceof ApiRequestError && error.isUnauthorized) {
          onSessionEndedRef.current();
          return;
        }
        setAnswer({ key: asked, state: failureOf(error) });
      },
    );
    return () => controller.abort();
  }, [api, query]);
  // Until the answer to this very search is in, the page is loading (not showing the previous answer as current).
  const state: PageState = answer.key === key ? answer.state : { load: 'loading' };

  const search = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const result = filterOf(form);
    if (!result.ok) {
      setProblem(result.problem);
      return;
    }
    setProblem(null);
    setApplied(result.filter);
    setPaging(firstPage());
  };
  const reset = (): void => {
    setForm(EMPTY_FORM);
    setProblem(null);
    setApplied({});
    setPaging(firstPage());
  };
  const chooseSource = (next: string): void => {
    setSource(next);
    setPaging(firstPage());
  };
  const logout = (): void => {
    void api
      .logout()
      .catch(() => undefined)
      .finally(onLoggedOut);
  };
  const field = (key: keyof AuditForm) => ({
    value: form[key],
    onChange: (event: { target: { value: string } }) => setForm({ ...form, [key]: event.target.value }),
  });

  const actionText = (action: string): string => {
    const label = actionLabel(action);
    if (label.kind === 'key') {
      return t(`auditAction.${label.key}`);
    }
    if (label.kind === 'alarm') {
      return t('audit.alarmAction', {
        action: isAlarmAction(label.action) ? t(`alarmEvent.${label.action}`) : label.action,
      });
    }
    return action;
  };

  const chosen = sources?.sources.find((s) => s.source === source);
  const page = state.load === 'ready' ? state.page : null;
  const breaks = sources?.breaks ?? [];

  return (
    <div className="audit-page" data-testid="audit-page" data-load={state.load} data-source={source}>
      <header className="app-header">
        <div className="app-header__title">
          <span className="app-header__center" data-testid="center-name">
            {user.center.name}
          </span>
          <span className="tier-badge" data-tier={user.center.tier}>
            {t(`tier.${user.center.tier}`)}
          </span>
          <span className="app-header__product">{t('audit.title')}</span>
        </div>
        <div className="app-header__tools">
          <span className="app-header__user" data-testid="current-user">
            {t('header.user', { name: user.displayName, role: t(`role.${user.role}`) })}
          </span>
          <LanguageSwitch />
          <button type="button" className="button button--ghost" data-testid="logout" onClick={logout}>
            {t('header.logout')}
          </button>
        </div>
      </header>
      <main className="audit-page__main">
        {breaks.length > 0 ? (
          <div className="notice notice--error" role="alert" data-testid="audit-breaks">
            <p className="audit-page__breaks-title">{t('audit.breaks', { count: breaks.length })}</p>
            <ul className="audit-page__breaks">
              {breaks.slice(0, 5).map((b) => (
                <li key={`${b.source}-${b.seq}-${b.kind}`}>
                  {t('audit.breakLine', { source: b.source, seq: b.seq, kind: t(`audit.problem.${b.kind}`) })}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <form className="audit-filters" onSubmit={search} noValidate>
          <label className="field">
            <span className="field__label">{t('audit.source')}</span>
            <select
              className="text-input"
              data-testid="audit-source"
              value={source}
              onChange={(event) => chooseSource(event.target.value)}
            >
              {(sources?.sources ?? [{ source: user.center.id, name: user.center.name, own: true }]).map((s) => (
                <option key={s.source} value={s.source}>
                  {s.own ? t('audit.ownSource', { name: s.name }) : t('audit.childSource', { name: s.name })}
                </option>
              ))}
            </select>
            <span className="muted audit-filters__note" data-testid="audit-chain-head">
              {chosen && chosen.lastSeq > 0
                ? t('audit.chainHead', {
                    count: chosen.lastSeq,
                    time: chosen.lastAt ? formatAuditTime(chosen.lastAt, i18n.language) : '-',
                  })
                : chosen
                  ? t('audit.chainEmpty')
                  : ''}
            </span>
          </label>
          <label className="field">
            <span className="field__label">{t('audit.from')}</span>
            <input className="text-input" type="datetime-local" step={1} data-testid="audit-from" {...field('from')} />
          </label>
          <label className="field">
            <span className="field__label">{t('audit.to')}</span>
            <input className="text-input" type="datetime-local" step={1} data-testid="audit-to" {...field('to')} />
          </label>
          <label className="field">
            <span className="field__label">{t('audit.actor')}</span>
            <input
              className="text-input"
              data-testid="audit-actor"
              placeholder={t('audit.actorHint')}
              {...field('actor')}
            />
          </label>
          <label className="field">
            <span className="field__label">{t('audit.action')}</span>
            <select className="text-input" data-testid="audit-action" {...field('action')}>
              <option value="">{t('audit.anyAction')}</option>
              {ACTION_CHOICES.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {t(`audit.actionChoice.${choice.key}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">{t('audit.target')}</span>
            <input
              className="text-input"
              data-testid="audit-target"
              placeholder={t('audit.targetHint')}
              {...field('target')}
            />
          </label>
          <label className="field">
            <span className="field__label">{t('audit.outcome')}</span>
            <select className="text-input" data-testid="audit-outcome" {...field('outcome')}>
              <option value="">{t('audit.anyOutcome')}</option>
              <option value="success">{t('audit.outcomeValue.success')}</option>
              <option value="failure">{t('audit.outcomeValue.failure')}</option>
            </select>
          </label>
          <div className="audit-filters__buttons">
            <button type="submit" className="button button--primary" data-testid="audit-search">
              {t('audit.search')}
            </button>
            <button type="button" className="button" data-testid="audit-reset" onClick={reset}>
              {t('audit.reset')}
            </button>
          </div>
        </form>
        {problem !== null ? (
          <p className="notice notice--error" role="alert" data-testid="audit-form-problem">
            {t(`audit.${problem}`)}
          </p>
        ) : null}
        {state.load === 'failed' ? (
          <p className="notice notice--error" role="alert" data-testid="audit-error">
            {state.reason === 'unavailable'
              ? t('audit.unavailable')
              : state.reason === 'forbidden'
                ? t('audit.forbidden')
                : t('audit.loadFailed', { message: state.message })}
          </p>
        ) : null}
        <div className="audit-table-wrap">
          <table className="audit-table" data-testid="audit-table">
            <thead>
              <tr>
                <th>{t('audit.column.seq')}</th>
                <th>{t('audit.column.at')}</th>
                <th>{t('audit.column.actor')}</th>
                <th>{t('audit.column.action')}</th>
                <th>{t('audit.column.target')}</th>
                <th>{t('audit.column.outcome')}</th>
                <th>{t('audit.column.ip')}</th>
                <th>{t('audit.column.detail')}</th>
                <th>{t('audit.column.hash')}</th>
              </tr>
            </thead>
            <tbody>
              {(page?.entries ?? []).map((entry: AuditRecord) => (
                <tr
                  key={`${entry.source}-${entry.seq}`}
                  className={entry.outcome === 'failure' ? 'audit-row audit-row--failure' : 'audit-row'}
                  data-testid="audit-row"
                  data-seq={entry.seq}
                  data-action={entry.action}
                  data-outcome={entry.outcome}
                  data-actor={entry.actor ?? ''}
                  data-target={entry.target ?? ''}
                >
                  <td className="audit-table__num">{entry.seq}</td>
                  <td className="audit-table__time">{formatAuditTime(entry.at, i18n.language)}</td>
                  <td>{entry.actor ?? t('audit.system')}</td>
                  <td>
                    <span>{actionText(entry.action)}</span>
                    <code className="audit-table__code">{entry.action}</code>
                  </td>
                  <td className="audit-table__mono">{entry.target ?? ''}</td>
                  <td>{t(`audit.outcomeValue.${entry.outcome}`)}</td>
                  <td className="audit-table__mono">{entry.ip ?? ''}</td>
                  <td className="audit-table__detail">{detailText(entry.detail)}</td>
                  <td className="audit-table__mono" title={entry.hash}>
                    {shortHash(entry.hash)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {page && page.entries.length === 0 ? (
            <p className="panel-empty" data-testid="audit-empty">
              {t('audit.empty')}
            </p>
          ) : null}
          {state.load === 'loading' ? <p className="panel-empty">{t('audit.loading')}</p> : null}
        </div>
        <footer className="audit-page__footer">
          <div className="audit-pager">
            <button
              type="button"
              className="button"
              data-testid="audit-newer"
              disabled={pageNumber(paging) === 1}
              onClick={() => setPaging(newerPage(paging))}
            >
              {t('audit.newer')}
            </button>
            <span data-testid="audit-page-number">{t('audit.page', { page: pageNumber(paging) })}</span>
            <button
              type="button"
              className="button"
              data-testid="audit-older"
              disabled={!page?.nextCursor}
              onClick={() => page?.nextCursor && setPaging(olderPage(paging, page.nextCursor))}
            >
              {t('audit.older')}
            </button>
          </div>
          <div className="audit-export">
            <a
              className="button"
              data-testid="audit-export-csv"
              href={auditExportUrl({ ...applied, source }, 'csv')}
              download
            >
              {t('audit.exportCsv')}
            </a>
            <a
              className="button"
              data-testid="audit-export-ndjson"
              href={auditExportUrl({ ...applied, source }, 'ndjson')}
              download
            >
              {t('audit.exportNdjson')}
            </a>
            <span className="muted">{t('audit.exportHint')}</span>
          </div>
        </footer>
      </main>
    </div>
  );
}
