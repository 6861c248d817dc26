import type { SessionUser } from '@bsm/protocol';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CenterApi } from '../api/center-api';
import { initialPanelState, panelReducer } from '../branch-panel/panel-state';
import { startPanelSync } from '../branch-panel/panel-sync';
import { BranchAlarmCard, RaisingCard } from '../components/branch-panel/BranchAlarmCard';
import { RaiseButtons, type RaiseType } from '../components/branch-panel/RaiseButtons';
import { ZoneArming } from '../components/branch-panel/ZoneArming';
import { ConnectionIndicator } from '../components/ConnectionIndicator';
import { useNodeDetail } from '../components/node-detail/use-node-detail';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { LiveClock } from '../components/LiveClock';
import { useStoreState } from '../hooks/use-store-state';
import { createCenterSocket } from '../realtime/center-socket';
import { monitorConnection, type ConnectionStatus } from '../realtime/connection-monitor';
import { createReducerStore } from '../state/reducer-store';

interface BranchPanelPageProps {
  api: CenterApi;
  /** A branch staff member; the jurisdiction is the branch. */
  user: SessionUser;
  onSessionEnded: () => void;
  onLoggedOut: () => void;
}

/**
 * The branch's own panel, for its staff: panic and duress, the live handling
 * of the branch's alarms ("received by the center", "officer X handling",
 * "closed"), and arming of the alarm panel's zones with the branch's code.
 */
export function BranchPanelPage({ api, user, onSessionEnded, onLoggedOut }: BranchPanelPageProps) {
  const { t } = useTranslation();
  const branchId = user.jurisdiction;
  const [store] = useState(() => createReducerStore(panelReducer, initialPanelState));
  const [connection, setConnection] = useState<ConnectionStatus>({ link: 'connecting', clockOffsetMs: 0 });
  const onSessionEndedRef = useRef(onSessionEnded);
  onSessionEndedRef.current = onSessionEnded;

  useEffect(() => {
    const socket = createCenterSocket();
    const monitor = monitorConnection(socket);
    const unsubscribe = monitor.subscribe(() => setConnection(monitor.getStatus()));
    const stop = startPanelSync({
      api,
      socket,
      store,
      branchId,
      onSessionEnded: () => onSessionEndedRef.current(),
    });
    return () => {
      unsubscribe();
      monitor.stop();
      stop();
    };
  }, [api, store, branchId]);

  const load = useStoreState(store, (state) => state.load);
  const failure = useStoreState(store, (state) => state.failure);
  const branch = useStoreState(store, (state) => state.branch);
  const alarms = useStoreState(store, (state) => state.alarms);
  const zones = useStoreState(store, (state) => state.zones);
  const raising = useStoreState(store, (state) => state.raising);
  // The names of the zones' inputs come from the branch's catalog; read again when it changes.
  const catalog = useNodeDetail(api, branchId, String(branch?.stateSince ?? ''));
  const inputNames = useMemo(
    () => new Map((catalog.detail?.alarmInputs ?? []).map((input) => [input.id, input.name])),
    [catalog.detail],
  );

  const raise = async (type: RaiseType): Promise<void> => {
    const { alarmId } = await api.panic(branchId, type);
    store.dispatch({ type: 'raised', raise: { alarmId, type, at: new Date().toISOString() } });
  };
  const arm = async (zone: string, armed: boolean, code: string): Promise<void> => {
    store.dispatch({ type: 'zone', zone: await api.armZone(branchId, zone, armed, code) });
  };
  const logout = (): void => {
    void api
      .logout()
      .catch(() => undefined)
      .finally(onLoggedOut);
  };
  const offline = branch?.state === 'offline';

  return (
    <div className="branch-panel" data-testid="branch-panel" data-load={load} data-branch-id={branchId}>
      <header className="app-header">
        <div className="app-header__title">
          <span className="app-header__center" data-testid="branch-name">
            {branch?.name ?? branchId}
          </span>
          <span className="app-header__product">{t('branchPanel.title')}</span>
        </div>
        <span className="muted">{t('branchPanel.center', { name: user.center.name })}</span>
        <LiveClock offsetMs={connection.clockOffsetMs} />
        <div className="app-header__tools">
          <ConnectionIndicator link={connection.link} />
          <span className="app-header__user" data-testid="current-user">
            {t('header.user', { name: user.displayName, role: t(`role.${user.role}`) })}
          </span>
          <LanguageSwitch />
          <button type="button" className="button button--ghost" data-testid="logout" onClick={logout}>
            {t('header.logout')}
          </button>
        </div>
      </header>
      <main className="branch-panel__main">
        {failure !== null ? (
          <p className="notice notice--error branch-panel__banner" role="alert" data-testid="panel-error">
            {t('branchPanel.loadFailed', { message: failure })}
          </p>
        ) : null}
        {offline ? (
          <p className="notice notice--error branch-panel__banner" role="alert" data-testid="branch-offline">
            {t('branchPanel.offline')}
          </p>
        ) : null}
        <div className="branch-panel__body">
          <div className="branch-panel__left">
            <RaiseButtons onRaise={raise} />
            <section className="branch-panel__section">
              <h2 className="branch-panel__heading">{t('branchPanel.zones')}</h2>
              <ZoneArming zones={zones} inputNames={inputNames} onArm={arm} />
            </section>
          </div>
          <section className="branch-panel__section branch-panel__alarms">
            <h2 className="branch-panel__heading">{t('branchPanel.alarms')}</h2>
            {alarms.length === 0 && raising.length === 0 ? (
              <p className="panel-empty">{load === 'loading' ? t('app.loading') : t('branchPanel.alarmsEmpty')}</p>
            ) : (
              <ul className="branch-alarms" data-testid="branch-alarms">
                {raising.map((raise) => (
                  <RaisingCard key={raise.alarmId} raise={raise} />
                ))}
                {alarms.map((alarm) => (
                  <BranchAlarmCard key={alarm.id} alarm={alarm} center={user.center} />
                ))}
              </ul>
            )}
          </section>
        </div>
      </main>
    </div>
  );
}
