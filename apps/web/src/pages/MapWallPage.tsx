import type { AlarmView, SessionUser } from '@bsm/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CenterApi } from '../api/center-api';
import { AppHeader } from '../components/AppHeader';
import { NodeDetailDrawer } from '../components/node-detail/NodeDetailDrawer';
import { SidePanel } from '../components/SidePanel';
import { useAlarmLinkage } from '../hooks/use-alarm-linkage';
import { useAlarmSound } from '../hooks/use-alarm-sound';
import { useWallState } from '../hooks/use-wall-state';
import { MapView, type FocusRequest } from '../map/MapView';
import { useScreen } from '../navigation/use-screen';
import { createCenterSocket } from '../realtime/center-socket';
import { monitorConnection, type ConnectionStatus } from '../realtime/connection-monitor';
import { awaitsAcknowledgement } from '../state/alarm-queue';
import { createWallStore } from '../state/wall-store';
import { startWallSync } from '../state/wall-sync';
import type { CameraRef } from '../video/camera-ref';
import { AlarmConsolePage } from './AlarmConsolePage';
import { VideoWallPage, type WatchRequest } from './VideoWallPage';

/** How long the header and alarm panel flash after an urgent alarm (the console's rows flash until acknowledged). */
const URGENT_FLASH_MS = 4_000;

interface MapWallPageProps {
  api: CenterApi;
  user: SessionUser;
  onSessionEnded: () => void;
  onLoggedOut: () => void;
}

/**
 * The console once signed in: the header (with the screen switch and the
 * alarm sound's mute), the live link, wall state and alarm sound shared by
 * every screen, and the screen itself — the map wall (map of every node, live
 * alarms and branch list, detail drawer), the video wall or the alarm
 * console. The screen is kept in the URL hash.
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
  const [selectedAlarmId, setSelectedAlarmId] = useState<string | null>(null);
  // Not remembered across reloads: a console must never come up silent without the officer knowing.
  const [muted, setMuted] = useState(false);
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
  const queue = useWallState(store, (state) => state.queue);
  const awaiting = queue.alarms.filter(awaitsAcknowledgement).length;
  const tone = useAlarmSound(queue.alarms, queue.lastArrival, muted);

  useEffect(() => {
    if (lastUrgentAlarm === null) {
      return undefined;
    }
    setFlashing(true);
    const timer = setTimeout(() => setFlashing(false), URGENT_FLASH_MS);
    return () => clearTimeout(timer);
  }, [lastUrgentAlarm]);

  const flyTo = useCallback((nodeId: string) => {
    setSelectedNodeId(nodeId);
    setFocus((previous) => ({ nodeId, serial: (previous?.serial ?? 0) + 1 }));
  }, []);
  const onSelectAlarm = useCallback((alarm: AlarmView) => flyTo(alarm.origin), [flyTo]);
  const watchSerial = useRef(0);
  const watchCameras = useCallback(
    (cameras: readonly CameraRef[]) => {
      watchSerial.current += 1;
      setWatchRequest({ cameras, serial: watchSerial.current });
      setScreen('video');
    },
    [setScreen],
  );
  const watchCamera = useCallback((camera: CameraRef) => watchCameras([camera]), [watchCameras]);
  useAlarmLinkage({
    api,
    queue: queue.alarms,
    lastArrival: queue.lastArrival,
    nodes,
    enabled: screen !== 'alarms',
    onOpen: watchCameras,
  });
  const onWatchHandled = useCallback(
    (serial: number) => setWatchRequest((previous) => (previous?.serial === serial ? null : previous)),
    [],
  );
  const onActed = useCallback((alarm: AlarmView) => store.dispatch({ type: 'alarm:acted', alarm }), [store]);

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
        awaiting={awaiting}
        muted={muted}
        tone={tone}
        onMuted={setMuted}
      />
      {screen === 'video' ? (
        <VideoWallPage
          api={api}
          nodes={nodes}
          clockOffsetMs={connection.clockOffsetMs}
          watchRequest={watchRequest}
          onWatchHandled={onWatchHandled}
        />
      ) : screen === 'alarms' ? (
        <AlarmConsolePage
          api={api}
          user={user}
          center={center}
          nodes={nodes}
          queue={queue}
          clockOffsetMs={connection.clockOffsetMs}
          selectedAlarmId={selectedAlarmId}
          onSelect={setSelectedAlarmId}
          onActed={onActed}
          onVerifyOnVideo={watchCameras}
        />
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
