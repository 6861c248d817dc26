import type { AlarmEvent, AlarmView, CenterInfo, Disposition, ProcedureStep, Permission } from '@bsm/protocol';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { refusalFor, workflowRefusals, type WorkflowAction } from '../../alarm/alarm-actions';
import { linkedCameraRefs } from '../../alarm/linked-cameras';
import type { CenterApi } from '../../api/center-api';
import { priorityLabelKey } from '../../i18n/label-keys';
import type { NodeIndex } from '../../state/node-index';
import type { CameraRef } from '../../video/camera-ref';
import { useNodeDetail } from '../node-detail/use-node-detail';
import { AlarmBadges } from './AlarmBadges';
import { AlarmFacts } from './AlarmFacts';
import { actionFailureText } from './alarm-texts';
import { CloseDialog } from './CloseDialog';
import { EventHistory } from './EventHistory';
import { LinkedCameras } from './LinkedCameras';
import { NoteBox } from './NoteBox';
import { ProcedureChecklist } from './ProcedureChecklist';
import { useAlarmAction } from './use-alarm-action';
import { useAlarmDetail } from './use-alarm-detail';
import { WorkflowBar } from './WorkflowBar';

interface AlarmContext {
  api: CenterApi;
  /** What the officer holds; the buttons follow the center's rules. */
  held: readonly Permission[];
  center: CenterInfo;
  nodes: NodeIndex;
  clockOffsetMs: number;
  /** An action's answer: the alarm's new version, for the queue. */
  onActed: (alarm: AlarmView) => void;
  onVerifyOnVideo: (cameras: CameraRef[]) => void;
}

interface AlarmDetailPaneProps extends AlarmContext {
  alarmId: string;
  /** The queue's version, kept current by the push; absent once closed or when another center's. */
  liveAlarm: AlarmView | undefined;
}

function Section({ title, testId, children }: { title: string; testId?: string; children: ReactNode }) {
  return (
    <section className="detail-section" data-testid={testId}>
      <h3 className="detail-section__title">{title}</h3>
      {children}
    </section>
  );
}

/**
 * The selected alarm: its history comes from GET /api/alarms/:id, fetched
 * again whenever the alarm changes; its current state from the queue (the
 * push), or from the last action's answer once it has left the queue.
 */
export function AlarmDetailPane({ alarmId, liveAlarm, ...context }: AlarmDetailPaneProps) {
  const { t } = useTranslation();
  const [acted, setActed] = useState<AlarmView | null>(null);
  const { onActed } = context;
  const onUpdated = useCallback(
    (alarm: AlarmView) => {
      setActed(alarm);
      onActed(alarm);
    },
    [onActed],
  );
  const revision = useMemo(() => JSON.stringify([liveAlarm ?? null, acted]), [liveAlarm, acted]);
  const load = useAlarmDetail(context.api, alarmId, revision);
  const alarm = liveAlarm ?? acted ?? load.detail?.alarm ?? null;
  if (alarm === null) {
    return (
      <article className="alarm-detail" data-testid="alarm-detail" data-alarm-id={alarmId} data-status="">
        <p className={load.status === 'failed' ? 'notice notice--error' : 'panel-empty'}>
          {load.status === 'failed' ? t('alarmDetail.loadFailed', { message: load.message }) : t('alarmDetail.loading')}
        </p>
      </article>
    );
  }
  return (
    <AlarmDetailContent
      alarm={alarm}
      events={load.detail?.events ?? []}
      loadFailure={load.status === 'failed' ? load.message : null}
      {...context}
      onActed={onUpdated}
    />
  );
}

interface AlarmDetailContentProps extends AlarmContext {
  alarm: AlarmView;
  events: readonly AlarmEvent[];
  loadFailure: string | null;
}

function AlarmDetailContent({
  alarm,
  events,
  loadFailure,
  api,
  held,
  center,
  nodes,
  clockOffsetMs,
  onActed,
  onVerifyOnVideo,
}: AlarmDetailContentProps) {
  const { t } = useTranslation();
  const runner = useAlarmAction(api, alarm.id, onActed);
  const [closing, setClosing] = useState(false);
  const catalog = useNodeDetail(api, alarm.origin, 'linked-cameras');
  const cameras = useMemo(
    () => linkedCameraRefs(alarm, catalog.detail?.cameras ?? [], (id) => nodes.get(id)?.name),
    [alarm, catalog.detail, nodes],
  );
  const refusals = workflowRefusals(alarm, held);
  const stepRefusal = refusalFor(alarm, held, 'step', { step: alarm.procedure[0]?.step });
  const busy = runner.pending !== null;

  const act = (action: Exclude<WorkflowAction, 'close'>): void => void runner.run({ action });
  const tick = (step: ProcedureStep): void => void runner.run({ action: 'step', step });
  const close = async (disposition: Disposition, note: string): Promise<boolean> => {
    const closed = await runner.run({ action: 'close', disposition, note });
    if (closed) {
      setClosing(false);
    }
    return closed;
  };
  const verifyOnVideo = async (): Promise<void> => {
    // Looking at the linked cameras is the verification, so the status says so when it still can.
    if (refusals.verify === null) {
      await runner.run({ action: 'verify' });
    }
    onVerifyOnVideo(cameras);
  };

  return (
    <article
      className={`alarm-detail alarm-detail--p${alarm.priority}`}
      data-testid="alarm-detail"
      data-alarm-id={alarm.id}
      data-status={alarm.status}
      data-latched={alarm.latched}
      data-busy={busy}
    >
      <header className="alarm-detail__head">
        <span className={`priority-pill priority-pill--p${alarm.priority}`}>{t(priorityLabelKey(alarm.priority))}</span>
        <h2 className="alarm-detail__type">{t(`alarmType.${alarm.type}`)}</h2>
        <span className={`status-pill status-pill--${alarm.status}`} data-testid="alarm-status">
          {t(`alarmStatus.${alarm.status}`)}
        </span>
        <AlarmBadges alarm={alarm} centerId={center.id} />
        <span className="alarm-detail__branch">{alarm.originName}</span>
      </header>
      <WorkflowBar refusals={refusals} pending={runner.pending} onAction={act} onClose={() => setClosing(true)} />
      {runner.failure !== null ? (
        <p className="notice notice--error" data-testid="alarm-action-error" role="alert">
          {actionFailureText(runner.failure, t)}
        </p>
      ) : null}
      {loadFailure !== null ? (
        <p className="notice notice--error" role="alert">
          {t('alarmDetail.loadFailed', { message: loadFailure })}
        </p>
      ) : null}
      <div className="alarm-detail__body">
        <div className="alarm-detail__column">
          <Section title={t('alarmDetail.facts')}>
            <AlarmFacts alarm={alarm} center={center} nodes={nodes} clockOffsetMs={clockOffsetMs} />
          </Section>
          <Section title={t('alarmDetail.cameras')}>
            <LinkedCameras cameras={cameras} busy={busy} onVerifyOnVideo={() => void verifyOnVideo()} />
          </Section>
        </div>
        <div className="alarm-detail__column">
          <Section title={t('alarmDetail.procedure')} testId="procedure-section">
            <ProcedureChecklist procedure={alarm.procedure} refusal={stepRefusal} busy={busy} onTick={tick} />
          </Section>
          <Section title={t('alarmDetail.note')}>
            <NoteBox
              refusalFor={(note) => refusalFor(alarm, held, 'note', { note })}
              busy={busy}
              onAdd={(note) => runner.run({ action: 'note', note })}
            />
          </Section>
          <Section title={t('alarmDetail.history')}>
            <EventHistory events={events} alarm={alarm} center={center} nodes={nodes} />
          </Section>
        </div>
      </div>
      {closing ? (
        <CloseDialog alarm={alarm} held={held} busy={busy} onConfirm={close} onCancel={() => setClosing(false)} />
      ) : null}
    </article>
  );
}
