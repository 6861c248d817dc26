import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { clampDwell, DEFAULT_DWELL_SEC, MAX_DWELL_SEC, MIN_DWELL_SEC, type Tour, type TourRun } from '../../video/tour';

interface TourPanelProps {
  tours: readonly Tour[];
  selectionCount: number;
  run: TourRun | null;
  pageCount: number;
  onCreate: (name: string, dwellSec: number) => void;
  onClearSelection: () => void;
  onStart: (tourId: string) => void;
  onPause: () => void;
  onResume: () => void;
  onStop: () => void;
  onRemove: (tourId: string) => void;
}

/** Tours (轮巡): make one from the cameras ticked in the tree, then start, pause or stop it. */
export function TourPanel({
  tours,
  selectionCount,
  run,
  pageCount,
  onCreate,
  onClearSelection,
  onStart,
  onPause,
  onResume,
  onStop,
  onRemove,
}: TourPanelProps) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [dwell, setDwell] = useState(String(DEFAULT_DWELL_SEC));
  const running = run === null ? null : tours.find((tour) => tour.id === run.tourId);

  return (
    <section className="tour-panel" data-testid="tour-panel">
      <h2 className="wall-side__title">{t('tour.title')}</h2>
      {run !== null && running !== undefined && running !== null ? (
        <div className="tour-status" data-testid="tour-status" data-status={run.status} data-page={run.page}>
          <span>
            {t(run.status === 'running' ? 'tour.running' : 'tour.paused', {
              name: running.name,
              page: run.page + 1,
              pages: pageCount,
            })}
          </span>
          {run.status === 'running' ? (
            <button type="button" className="button" data-testid="tour-pause" onClick={onPause}>
              {t('tour.pause')}
            </button>
          ) : (
            <button type="button" className="button" data-testid="tour-resume" onClick={onResume}>
              {t('tour.resume')}
            </button>
          )}
          <button type="button" className="button" data-testid="tour-stop" onClick={onStop}>
            {t('tour.stop')}
          </button>
        </div>
      ) : null}
      <form
        className="tour-form"
        onSubmit={(event) => {
          event.preventDefault();
          const dwellSec = clampDwell(Number(dwell));
          onCreate(name.trim() || t('tour.defaultName', { count: tours.length + 1 }), dwellSec);
          setName('');
          setDwell(String(dwellSec));
        }}
      >
        <input
          className="text-input"
          data-testid="tour-name"
          placeholder={t('tour.name')}
          aria-label={t('tour.name')}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <label className="tour-form__dwell">
          <span className="muted">{t('tour.dwell')}</span>
          <input
            className="text-input"
            type="number"
            data-testid="tour-dwell"
            min={MIN_DWELL_SEC}
            max={MAX_DWELL_SEC}
            value={dwell}
            onChange={(event) => setDwell(event.target.value)}
          />
        </label>
        <button type="submit" className="button" data-testid="tour-create" disabled={selectionCount === 0}>
          {t('tour.create')}
        </button>
        {selectionCount === 0 ? (
          <p className="muted tour-form__hint">{t('tour.needSelection')}</p>
        ) : (
          <button type="button" className="link-button" onClick={onClearSelection}>
            {t('video.clearSelection')}
          </button>
        )}
      </form>
      {tours.length === 0 ? (
        <p className="muted">{t('tour.empty')}</p>
      ) : (
        <ul className="tour-list">
          {tours.map((tour) => (
            <li key={tour.id} className="tour-row" data-testid="tour-row" data-tour-id={tour.id}>
              <span className="tour-row__name">{tour.name}</span>
              <span className="muted">
                {t('tour.cameras', { count: tour.cameras.length })} · {tour.dwellSec} s
              </span>
              <button
                type="button"
                className="button"
                data-testid="tour-start"
                disabled={tour.cameras.length === 0}
                onClick={() => onStart(tour.id)}
              >
                {t('tour.start')}
              </button>
              <button type="button" className="button button--ghost" onClick={() => onRemove(tour.id)}>
                {t('tour.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
