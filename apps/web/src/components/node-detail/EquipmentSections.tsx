import type { AlarmInputEntry, CameraEntry, DeviceEntry } from '@bsm/protocol';
import { useTranslation } from 'react-i18next';
import { DetailSection } from './DetailSection';

export function DeviceSection({ devices }: { devices: readonly DeviceEntry[] }) {
  const { t } = useTranslation();
  return (
    <DetailSection title={t('detail.devices')} count={devices.length} empty={t('detail.none')}>
      <table className="detail-table">
        <thead>
          <tr>
            <th>{t('detail.name')}</th>
            <th>{t('detail.kind')}</th>
            <th>{t('detail.model')}</th>
          </tr>
        </thead>
        <tbody>
          {devices.map((device) => (
            <tr key={device.id}>
              <td>{device.name}</td>
              <td>{t(`deviceKind.${device.kind}`)}</td>
              <td>{[device.vendor, device.model].filter((part) => part !== undefined).join(' ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </DetailSection>
  );
}

export function CameraSection({
  cameras,
  onWatch,
}: {
  cameras: readonly CameraEntry[];
  /** Offers a "watch" button per camera when given. */
  onWatch?: (camera: CameraEntry) => void;
}) {
  const { t } = useTranslation();
  return (
    <DetailSection title={t('detail.cameras')} count={cameras.length} empty={t('detail.none')}>
      <table className="detail-table">
        <thead>
          <tr>
            <th>{t('detail.name')}</th>
            <th>{t('detail.ptz')}</th>
            <th>{t('detail.streams')}</th>
            {onWatch !== undefined ? <th aria-label={t('video.watch')} /> : null}
          </tr>
        </thead>
        <tbody>
          {cameras.map((camera) => (
            <tr key={camera.id} data-camera-id={camera.id}>
              <td>
                {camera.name}
                {camera.important ? <span className="tag tag--important">{t('detail.important')}</span> : null}
              </td>
              <td>{camera.ptz ? t('detail.yes') : t('detail.no')}</td>
              <td>
                {camera.streams.length === 0
                  ? '—'
                  : camera.streams.map((stream) => (
                      <div key={stream.profile} className="stream-line">
                        {t(`streamProfile.${stream.profile}`)} {stream.width}×{stream.height} {stream.fps} fps{' '}
                        {stream.kbps} kbit/s
                      </div>
                    ))}
              </td>
              {onWatch !== undefined ? (
                <td>
                  <button
                    type="button"
                    className="button watch-button"
                    data-testid="camera-watch"
                    data-camera-id={camera.id}
                    onClick={() => onWatch(camera)}
                  >
                    {t('video.watch')}
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </DetailSection>
  );
}

export function AlarmInputSection({
  inputs,
  cameras,
}: {
  inputs: readonly AlarmInputEntry[];
  cameras: readonly CameraEntry[];
}) {
  const { t } = useTranslation();
  const cameraName = (id: string): string => cameras.find((camera) => camera.id === id)?.name ?? id;
  return (
    <DetailSection title={t('detail.alarmInputs')} count={inputs.length} empty={t('detail.none')}>
      <table className="detail-table">
        <thead>
          <tr>
            <th>{t('detail.zone')}</th>
            <th>{t('detail.type')}</th>
            <th>{t('detail.linkedCameras')}</th>
          </tr>
        </thead>
        <tbody>
          {inputs.map((input) => (
            <tr key={input.id}>
              <td>
                {input.zone}
                <div className="muted">{input.name}</div>
              </td>
              <td>{t(`alarmType.${input.type}`)}</td>
              <td>{input.linkedCameras.length === 0 ? '—' : input.linkedCameras.map(cameraName).join('、')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </DetailSection>
  );
}
