import type { AlarmView, CenterInfo, SessionUser } from '@bsm/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CenterApi } from '../api/center-api';
import { AlarmDetailPane } from '../components/alarm-console/AlarmDetailPane';
import { AlarmQueue, type QueueTab } from '../components/alarm-console/AlarmQueue';
import type { QueueState } from '../state/alarm-queue';
import type { NodeIndex } from '../state/node-index';
import type { CameraRef } from '../video/camera-ref';

interface AlarmConsolePageProps {
  api: CenterApi;
  user: SessionUser;
  center: CenterInfo;
  nodes: NodeIndex;
  queue: QueueState;
  clockOffsetMs: number;
  /** Kept by the console shell, so the selection survives a trip to the video wall. */
  selectedAlarmId: string | null;
  onSelect: (alarmId: string) => void;
  onActed: (alarm: AlarmView) => void;
  onVerifyOnVideo: (cameras: CameraRef[]) => void;
}

/** 报警处置: the queue of open alarms on the left, the selected alarm's handling on the right. */
export function AlarmConsolePage({
  api,
  user,
  center,
  nodes,
  queue,
  clockOffsetMs,
  selectedAlarmId,
  onSelect,
  onActed,
  onVerifyOnVideo,
}: AlarmConsolePageProps) {
  const { t } = useTranslation();
  const selected = queue.alarms.find((alarm) => alarm.id === selectedAlarmId);
  // Open on the tab holding the selected alarm, so coming back from the video wall shows its row.
  const [tab, setTab] = useState<QueueTab>(() => (selected?.responsible === false ? 'others' : 'responsible'));
  return (
    <main className="alarm-console" data-testid="alarm-console" data-loaded={queue.loaded}>
      <AlarmQueue
        alarms={queue.alarms}
        failure={queue.failure}
        centerId={center.id}
        clockOffsetMs={clockOffsetMs}
        tab={tab}
        onTab={setTab}
        selectedAlarmId={selectedAlarmId}
        onSelect={onSelect}
      />
      {selectedAlarmId === null ? (
        <section className="alarm-detail alarm-detail--none">
          <p className="panel-empty">{t('alarmConsole.selectHint')}</p>
        </section>
      ) : (
        <AlarmDetailPane
          key={selectedAlarmId}
          api={api}
          alarmId={selectedAlarmId}
          liveAlarm={selected}
          held={user.permissions}
          center={center}
          nodes={nodes}
          clockOffsetMs={clockOffsetMs}
          onActed={onActed}
          onVerifyOnVideo={onVerifyOnVideo}
        />
      )}
    </main>
  );
}
