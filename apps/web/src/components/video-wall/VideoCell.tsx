import type { StreamProfileName } from '@bsm/protocol';
import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CenterApi } from '../../api/center-api';
import type { CameraRef } from '../../video/camera-ref';
import { playErrorText } from '../../video/play-error';
import { downloadSnapshot } from '../../video/snapshot';
import { IDLE_STATUS, VideoPlayer, type PlayerStatus } from '../../video/VideoPlayer';
import { Icon } from '../Icon';
import { acceptsDrag, readDrop, startCellDrag, type WallDrop } from './drag-camera';

interface VideoCellProps {
  api: Pick<CenterApi, 'play'>;
  index: number;
  camera: CameraRef | null;
  selected: boolean;
  preferredProfile: StreamProfileName | undefined;
  clockOffsetMs: number;
  onSelect: (index: number) => void;
  onClose: (index: number) => void;
  onDrop: (index: number, drop: Exclude<WallDrop, null>) => void;
}

/** One cell of the wall: the live picture, its title, tools and a status overlay; a drop target. */
export function VideoCell({
  api,
  index,
  camera,
  selected,
  preferredProfile,
  clockOffsetMs,
  onSelect,
  onClose,
  onDrop,
}: VideoCellProps) {
  const { t } = useTranslation();
  const cellRef = useRef<HTMLDivElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const [status, setStatus] = useState<PlayerStatus>(IDLE_STATUS);
  const [muted, setMuted] = useState(true);
  const [dragOver, setDragOver] = useState(false);
  const [retrySerial, setRetrySerial] = useState(0);
  const onStatus = useCallback((next: PlayerStatus) => setStatus(next), []);
  const state = camera === null ? 'idle' : status.state;

  const toggleFullscreen = (): void => {
    const element = cellRef.current;
    if (element === null) {
      return;
    }
    if (document.fullscreenElement === element) {
      void document.exitFullscreen().catch(() => undefined);
    } else {
      void element.requestFullscreen().catch(() => undefined);
    }
  };

  const snapshot = (): void => {
    if (videoRef.current !== null && camera !== null) {
      downloadSnapshot(videoRef.current, camera.cameraName);
    }
  };

  const error = camera !== null && state === 'error' && status.error !== null ? playErrorText(status.error, t) : null;
  const degraded =
    status.profile !== null && status.requestedProfile !== undefined && status.profile !== status.requestedProfile;

  return (
    <div
      ref={cellRef}
      className={`video-cell${selected ? ' video-cell--selected' : ''}${dragOver ? ' video-cell--drop' : ''}`}
      data-testid="video-cell"
      data-cell-index={index}
      data-camera-id={camera?.cameraId ?? ''}
      data-purpose={camera === null ? '' : (camera.purpose ?? 'live')}
      data-state={state}
      onClick={() => onSelect(index)}
      onDragOver={(event) => {
        if (acceptsDrag(event)) {
          event.preventDefault();
          setDragOver(true);
        }
      }}
      onDragLeave={() => setDragOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setDragOver(false);
        const drop = readDrop(event);
        if (drop !== null) {
          onDrop(index, drop);
        }
      }}
    >
      {camera === null ? (
        <div className="video-cell__empty">
          <span className="video-cell__number">{index + 1}</span>
          {t('video.emptyCell')}
        </div>
      ) : (
        <>
          <VideoPlayer
            key={camera.cameraId}
            api={api}
            cameraId={camera.cameraId}
            purpose={camera.purpose ?? 'live'}
            cellIndex={index}
            preferredProfile={preferredProfile}
            clockOffsetMs={clockOffsetMs}
            muted={muted}
            retrySerial={retrySerial}
            videoRef={videoRef}
            onStatus={onStatus}
          />
          <div
            className="video-cell__bar"
            draggable
            onDragStart={(event) => startCellDrag(event, index)}
            title={`${camera.nodeName} · ${camera.cameraName}`}
          >
            <span className="video-cell__title">
              <span className="video-cell__camera">{camera.cameraName}</span>
              <span className="video-cell__node">{camera.nodeName}</span>
            </span>
            <span className="video-cell__tools">
              <button
                type="button"
                className="cell-tool"
                data-testid="cell-mute"
                aria-pressed={!muted}
                title={muted ? t('video.unmute') : t('video.mute')}
                onClick={(event) => {
                  event.stopPropagation();
                  setMuted((value) => !value);
                }}
              >
                <Icon name={muted ? 'muted' : 'speaker'} />
              </button>
              <button
                type="button"
                className="cell-tool"
                data-testid="cell-snapshot"
                title={t('video.snapshot')}
                onClick={(event) => {
                  event.stopPropagation();
                  snapshot();
                }}
              >
                <Icon name="camera" />
              </button>
              <button
                type="button"
                className="cell-tool"
                data-testid="cell-fullscreen"
                title={t('video.fullscreen')}
                onClick={(event) => {
                  event.stopPropagation();
                  toggleFullscreen();
                }}
              >
                <Icon name="expand" />
              </button>
              <button
                type="button"
                className="cell-tool cell-tool--close"
                data-testid="cell-close"
                title={t('video.close')}
                onClick={(event) => {
                  event.stopPropagation();
                  onClose(index);
                }}
              >
                <Icon name="close" />
              </button>
            </span>
          </div>
          <div className="video-cell__overlay" data-testid="cell-overlay">
            <span className={`video-state video-state--${state}`} data-testid="cell-state">
              {t(`video.state.${state}`)}
            </span>
            {camera.purpose === 'alarm' ? (
              <span className="video-tag video-tag--alarm" data-testid="cell-alarm-purpose">
                {t('video.purpose.alarm')}
              </span>
            ) : null}
            {status.profile !== null ? (
              <span
                className={`video-tag${degraded ? ' video-tag--degraded' : ''}`}
                title={degraded ? t('video.degraded') : undefined}
              >
                {t(`streamProfile.${status.profile}`)}
              </span>
            ) : null}
            {status.kbps !== null ? <span>{t('video.bitrate', { kbps: status.kbps })}</span> : null}
            {status.fps !== null ? <span>{t('video.fps', { fps: status.fps })}</span> : null}
            {status.latencyMs !== null ? (
              <span data-testid="cell-latency" data-latency-ms={status.latencyMs}>
                {t('video.latency', { ms: status.latencyMs })}
              </span>
            ) : null}
          </div>
          {error !== null ? (
            <div
              className="video-cell__error"
              data-testid="cell-error"
              data-error-code={status.error?.code}
              role="alert"
            >
              <strong>{error.title}</strong>
              {error.lines.length > 0 ? (
                <ul className="video-cell__holders">
                  {error.lines.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              ) : null}
              <button
                type="button"
                className="button button--ghost"
                data-testid="cell-retry"
                onClick={(event) => {
                  event.stopPropagation();
                  setRetrySerial((serial) => serial + 1);
                }}
              >
                {t('video.retry')}
              </button>
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}
