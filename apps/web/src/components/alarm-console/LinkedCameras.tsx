import { useTranslation } from 'react-i18next';
import type { CameraRef } from '../../video/camera-ref';

interface LinkedCamerasProps {
  cameras: readonly CameraRef[];
  busy: boolean;
  onVerifyOnVideo: () => void;
}

/** The alarm's linked cameras and the way to look at them on the video wall. */
export function LinkedCameras({ cameras, busy, onVerifyOnVideo }: LinkedCamerasProps) {
  const { t } = useTranslation();
  if (cameras.length === 0) {
    return <p className="detail-section__empty">{t('alarmDetail.noCameras')}</p>;
  }
  return (
    <div className="linked-cameras">
      <ul className="linked-cameras__list" data-testid="linked-cameras">
        {cameras.map((camera) => (
          <li key={camera.cameraId} data-camera-id={camera.cameraId}>
            {camera.cameraName}
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="button button--primary"
        data-testid="alarm-verify-on-video"
        title={t('alarmDetail.verifyOnVideoHint')}
        disabled={busy}
        onClick={onVerifyOnVideo}
      >
        {t('alarmDetail.verifyOnVideo', { count: cameras.length })}
      </button>
    </div>
  );
}
