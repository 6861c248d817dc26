import type { AlarmView, SessionUser } from '@bsm/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CenterApi } from '../api/center-api';
import { playAlertTone } from '../audio/alert-tone';
import { AppHeader } from '../components/AppHeader';
import { NodeDetailDrawer } from '../components/node-detail/NodeDetailDrawer';
import { SidePanel } from '../components/SidePanel';
import { useWallState } from '../hooks/use-wall-state';
import { MapView, type FocusRequest } from '../map/MapView';
import { useScreen } from '../navigation/use-screen';
import { createCenterSocket } from '../realtime/center-socket';
import { monitorConnection, type ConnectionStatus } from '../realtime/connection-monitor';
import { createWallStore } from '../state/wall-store';
import { startWallSync } from '../state/wall-sync';
import type { CameraRef } from '../video/camera-ref';
import { VideoWallPage, type WatchRequest } from './VideoWallPage';

/** How long the header and alarm panel flash after an urgent alarm. */
const URGENT_FLASH_MS = 4_000;

interface MapWallPageProps {
  api: CenterApi;
  user: SessionUser;
  onSessionEnded: () => void;
  onLoggedOut: () => void;
}

/**
 * The console once signed in: the header (with the screen switch), the live
 * link and wall state shared by both screens, and the screen itself — the map
 * wall (map of every node, live alarms and branch list, detail drawer) or the
 * video wall. The screen is kept in the URL hash.
 */
export function MapWallPage({ api, user, onSessionEnded, onLoggedOut }: MapWallPageProps) {
  const { t } = useTranslation();
  const [store] = useState(createWallStore);
  const [connection, setConnection] = useState<ConnectionStatus>({ link: 'connecting', clockOffsetMs: 0 });
  const [selectedNodeId, setSelectedNodeId] = useState<string | null>(null);
  const [focus, setFocus] = useState<FocusRequest | null>(null);
  const [flashing, setFlashing] = useState(false);
  const [screen, setScreen] = useScreen();
  const [watchRequest, setWatchRequest] = useState<WatchRequest | null>(null);
  const onSessionEndedRef = useRef(onSessionEnded);
  onSessionEndedRef.current = onSessionEnded;

  useEffect(() => {
    const socket = createCenterSocket();
    const monitor = monitorConnection(socket);
    const unsubscribe = monitor.subscribe(() => setConnection(monitor.getStatus()));
    const stopSync = startWallSync({ api, socket, store, onSessionEnded: () => onSessionEndedRef.current() });
    return () => {
      unsubscribe();
      monitor.stop();
      stopSync();
    };
  }, [api, store]);

  const snapshot = useWallState(store, (state) => state.snapshot);
  const failure = useWallState(store, (state) => state.failure);
  const center = useWallState(store, (state) => state.center) ?? user.center;
  const basemap = useWallState(store, (state) => state.basemap);
  const nodes = useWallState(store, (state) => state.nodes);
  const alarms = useWallState(store, (state) => state.alarms);
  const lastUrgentAlarm = useWallState(store, (state) => state.lastUrgentAlarm);

  useEffect(() => {
    if (lastUrgentAlarm === null) {
      return undefined;
    }
    setFlashing(true);
    playAlertTone(lastUrgentAlarm.priority);
    const timer = setTimeout(() => setFlashing(false), URGENT_FLASH_MS);
    return () => clearTimeout(timer);
  }, [lastUrgentAlarm]);

  const flyTo = useCallback((nodeId: string) => {
    setSelectedNodeId(nodeId);
    setFocus((previous) => ({ nodeId, serial: (previous?.serial ?? 0) + 1 }));
  }, []);
  const onSelectAlarm = useCallback((alarm: AlarmView) => flyTo(alarm.origin), [flyTo]);
  const watchCamera = useCallback(
    (camera: CameraRef) => {
      setWatchRequest((previous) => ({ camera, serial: (previous?.serial ?? 0) + 1 }));
      setScreen('video');
    },
    [setScreen],
  );

  const logout = (): void => {
    void api
      .logout()
      .catch(() => undefined)
      .finally(onLoggedOut);
  };

  return (
    <div className="console" data-screen={screen} data-snapshot={snapshot}>
      <AppHeader
        center={center}
        user={user}
        link={connection.link}
        clockOffsetMs={connection.clockOffsetMs}
        flashing={flashing}
        onLogout={logout}
        screen={screen}
        onScreen={setScreen}
      />
      {screen === 'video' ? (
        <VideoWallPage api={api} nodes={nodes} clockOffsetMs={connection.clockOffsetMs} watchRequest={watchRequest} />
      ) : (
        <main className="map-wall__main" data-testid="map-wall" data-snapshot={snapshot}>
          <section className="map-wall__map">
            {basemap !== null ? (
              <MapView
                basemap={basemap}
                nodes={nodes}
                selectedNodeId={selectedNodeId}
                focus={focus}
                onSelectNode={setSelectedNodeId}
              />
            ) : (
              <p className="map-wall__placeholder">{snapshot === 'failed' ? null : t('app.loading')}</p>
            )}
            {failure !== null ? (
              <p className="notice notice--error map-wall__banner" data-testid="wall-error" role="alert">
                {t('errors.loadFailed', { message: failure })}
              </p>
            ) : null}
            {selectedNodeId !== null ? (
              <NodeDetailDrawer
                key={selectedNodeId}
                api={api}
                nodeId={selectedNodeId}
                liveNode={nodes.get(selectedNodeId)}
                onClose={() => setSelectedNodeId(null)}
                onSelectNode={flyTo}
                onWatchCamera={watchCamera}
              />
            ) : null}
          </section>
          <SidePanel
            alarms={alarms}
            nodes={nodes}
            selectedNodeId={selectedNodeId}
            clockOffsetMs={connection.clockOffsetMs}
            flashing={flashing}
            onSelectAlarm={onSelectAlarm}
            onSelectNode={flyTo}
          />
        </main>
      )}
    </div>
  );
}
