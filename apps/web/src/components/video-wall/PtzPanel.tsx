import { Icon } from '../Icon';
import type { PtzAction } from '@bsm/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CenterApi } from '../../api/center-api';
import type { CameraRef } from '../../video/camera-ref';
import { PtzControl, type PtzControlState } from '../../video/ptz-control';

type MoveAction = Exclude<PtzAction, 'stop'>;

const PRESETS = [1, 2, 3, 4, 5, 6, 7, 8] as const;
const LENS_PAIRS: readonly [MoveAction, MoveAction][] = [
  ['zoom_in', 'zoom_out'],
  ['focus_near', 'focus_far'],
  ['iris_open', 'iris_close'],
];

interface PtzPanelProps {
  api: Pick<CenterApi, 'ptz'>;
  camera: CameraRef;
}

/** Direction pad, lens and presets for the selected cell's camera; held buttons keep moving until released. */
export function PtzPanel({ api, camera }: PtzPanelProps) {
  const { t } = useTranslation();
  const [state, setState] = useState<PtzControlState>({ active: null, lockedBy: null, error: null });
  const [control, setControl] = useState<PtzControl | null>(null);
  const [speed, setSpeed] = useState(0.5);

  useEffect(() => {
    const next = new PtzControl((request) => api.ptz(camera.cameraId, request), setState);
    setControl(next);
    setState(next.getState());
    return () => next.dispose();
  }, [api, camera.cameraId]);

  useEffect(() => {
    control?.setSpeed(speed);
  }, [control, speed]);

  const holdButton = (action: MoveAction, label: string, className = '') => (
    <button
      type="button"
      className={`ptz-button ${className}${state.active === action ? ' ptz-button--active' : ''}`}
      data-testid={`ptz-${action}`}
      aria-label={t(`ptz.${action}`)}
      title={t(`ptz.${action}`)}
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture(event.pointerId);
        control?.press(action);
      }}
      onPointerUp={() => control?.release()}
      onPointerCancel={() => control?.release()}
      onLostPointerCapture={() => control?.release()}
      onKeyDown={(event) => {
        if ((event.key === 'Enter' || event.key === ' ') && !event.repeat) {
          control?.press(action);
        }
      }}
      onKeyUp={() => control?.release()}
      onBlur={() => control?.release()}
    >
      {label}
    </button>
  );

  const setPreset = (preset: number): void => {
    if (window.confirm(t('ptz.confirmSet', { preset }))) {
      control?.preset('set', preset);
    }
  };

  return (
    <section
      className="ptz-panel"
      data-testid="ptz-panel"
      data-camera-id={camera.cameraId}
      data-locked={state.lockedBy !== null}
    >
      <h2 className="wall-side__title">
        {t('ptz.title')} <span className="muted">{camera.cameraName}</span>
      </h2>
      {state.lockedBy !== null ? (
        <p className="notice notice--error ptz-lock" data-testid="ptz-locked" role="status">
          <Icon name="lock" size={14} /> {t('ptz.lockedBy', { holder: state.lockedBy })}
        </p>
      ) : null}
      {state.error !== null ? (
        <p className="notice notice--error" role="status">
          {t('ptz.failed', { message: state.error })}
        </p>
      ) : null}
      <div className="ptz-pad">
        {holdButton('up', '▲', 'ptz-pad__up')}
        {holdButton('left', '◀', 'ptz-pad__left')}
        {holdButton('right', '▶', 'ptz-pad__right')}
        {holdButton('down', '▼', 'ptz-pad__down')}
      </div>
      <div className="ptz-lens">
        {LENS_PAIRS.map(([plus, minus]) => (
          <div key={plus} className="ptz-lens__pair">
            {holdButton(plus, t(`ptz.${plus}`))}
            {holdButton(minus, t(`ptz.${minus}`))}
          </div>
        ))}
      </div>
      <label className="ptz-speed">
        <span>{t('ptz.speed')}</span>
        <input
          type="range"
          min={0.1}
          max={1}
          step={0.1}
          value={speed}
          data-testid="ptz-speed"
          onChange={(event) => setSpeed(Number(event.target.value))}
        />
        <span className="ptz-speed__value">{Math.round(speed * 100)}%</span>
      </label>
      <div className="ptz-presets">
        <span className="muted">{t('ptz.presets')}</span>
        <div className="ptz-presets__grid">
          {PRESETS.map((preset) => (
            <div key={preset} className="ptz-preset">
              <button
                type="button"
                className="button ptz-preset__goto"
                data-testid={`ptz-preset-goto-${preset}`}
                title={t('ptz.goto')}
                onClick={() => control?.preset('goto', preset)}
              >
                {preset}
              </button>
              <button
                type="button"
                className="button button--ghost ptz-preset__set"
                data-testid={`ptz-preset-set-${preset}`}
                title={t('ptz.set')}
                onClick={() => setPreset(preset)}
              >
                {t('ptz.set')}
              </button>
            </div>
          ))}
        </div>
      </div>
    </section>
  );
}
