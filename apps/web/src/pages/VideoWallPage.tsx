import type { StreamProfileName } from '@bsm/protocol';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CenterApi } from '../api/center-api';
import { DeviceTree } from '../components/video-wall/DeviceTree';
import type { WallDrop } from '../components/video-wall/drag-camera';
import { PtzPanel } from '../components/video-wall/PtzPanel';
import { TourPanel } from '../components/video-wall/TourPanel';
import { VideoCell } from '../components/video-wall/VideoCell';
import type { NodeIndex } from '../state/node-index';
import type { CameraRef } from '../video/camera-ref';
import {
  applyTourPage,
  clampDwell,
  pauseRun,
  resumeRun,
  startRun,
  tickRun,
  tourPageCount,
  type Tour,
  type TourRun,
} from '../video/tour';
import {
  assignCell,
  closeCell,
  gridSide,
  moveCell,
  placeCamera,
  placeCameras,
  visibleCells,
  WALL_LAYOUTS,
  type WallLayout,
} from '../video/wall-layout';
import {
  browserStorage,
  readCells,
  readLayout,
  readTours,
  writeCells,
  writeLayout,
  writeTours,
} from '../video/wall-storage';

/**
 * A request from elsewhere to show cameras: one from the map's node drawer,
 * an alarm's linked cameras from the alarm console. `serial` makes a repeat
 * request count.
 */
export interface WatchRequest {
  cameras: readonly CameraRef[];
  serial: number;
}

interface VideoWallPageProps {
  api: Pick<CenterApi, 'node' | 'play' | 'ptz'>;
  nodes: NodeIndex;
  clockOffsetMs: number;
  watchRequest: WatchRequest | null;
  /** The request is on the wall; the shell forgets it, so coming back to the wall does not place it again. */
  onWatchHandled: (serial: number) => void;
}

/** Many cells want the sub-stream: a 3×3 or 4×4 wall shows CIF anyway and spares the branch links. */
const preferredProfileFor = (layout: WallLayout): StreamProfileName => (layout <= 4 ? 'main' : 'sub');

const TOUR_TICK_MS = 1_000;

/** The video wall: device tree and tours on the left, 1/4/9/16 live cells, PTZ for the selected cell. */
export function VideoWallPage({ api, nodes, clockOffsetMs, watchRequest, onWatchHandled }: VideoWallPageProps) {
  const { t } = useTranslation();
  const [layout, setLayout] = useState<WallLayout>(() => readLayout(browserStorage()));
  const [cells, setCells] = useState(() => readCells(browserStorage()));
  const [tours, setTours] = useState<Tour[]>(() => readTours(browserStorage()));
  const [run, setRun] = useState<TourRun | null>(null);
  const [selectedCell, setSelectedCell] = useState(0);
  const [selection, setSelection] = useState<ReadonlyMap<string, CameraRef>>(() => new Map());

  useEffect(() => writeLayout(browserStorage(), layout), [layout]);
  useEffect(() => writeCells(browserStorage(), cells), [cells]);
  useEffect(() => writeTours(browserStorage(), tours), [tours]);

  const place = useCallback(
    (camera: CameraRef) => {
      const placed = placeCamera(cells, layout, camera);
      setCells(placed.cells);
      setSelectedCell(placed.index);
    },
    [cells, layout],
  );

  // "Watch" from elsewhere: the map's camera goes to the first free cell (or stays where it already plays);
  // an alarm's cameras take free cells, growing the wall rather than replacing what the officer watches.
  useEffect(() => {
    if (watchRequest === null) {
      return;
    }
    onWatchHandled(watchRequest.serial);
    const forAlarm = watchRequest.cameras.some((camera) => camera.purpose === 'alarm');
    const [single] = watchRequest.cameras;
    if (!forAlarm && single !== undefined && watchRequest.cameras.length === 1) {
      place(single);
      return;
    }
    const placed = placeCameras(cells, layout, watchRequest.cameras);
    setCells(placed.cells);
    setLayout(placed.layout);
    setSelectedCell(placed.index);
    if (forAlarm) {
      // Verifying an alarm outranks a tour, which would otherwise replace its cameras on the next page.
      setRun(null);
    }
  }, [watchRequest, onWatchHandled, cells, layout, place]);

  // Tours: the page shown follows the run; the run advances once per dwell.
  const runningTour = run === null ? undefined : tours.find((tour) => tour.id === run.tourId);
  useEffect(() => {
    if (run !== null && runningTour !== undefined) {
      setCells((previous) => applyTourPage(previous, runningTour.cameras, layout, run.page));
    }
    // Only a new page (or tour, or layout) changes the cells; the run's timing does not.
  }, [run?.tourId, run?.page, layout, runningTour]);
  useEffect(() => {
    if (run?.status !== 'running' || runningTour === undefined) {
      return undefined;
    }
    const timer = setInterval(
      () => setRun((previous) => (previous === null ? null : tickRun(previous, runningTour, layout, Date.now()))),
      TOUR_TICK_MS,
    );
    return () => clearInterval(timer);
  }, [run?.status, runningTour, layout]);

  const onDrop = useCallback((index: number, drop: Exclude<WallDrop, null>) => {
    setCells((previous) =>
      drop.kind === 'camera' ? assignCell(previous, index, drop.camera) : moveCell(previous, drop.from, index),
    );
    setSelectedCell(index);
  }, []);
  const onClose = useCallback((index: number) => setCells((previous) => closeCell(previous, index)), []);

  const toggleSelect = useCallback((camera: CameraRef) => {
    setSelection((previous) => {
      const next = new Map(previous);
      if (next.has(camera.cameraId)) {
        next.delete(camera.cameraId);
      } else {
        next.set(camera.cameraId, camera);
      }
      return next;
    });
  }, []);

  const createTour = (name: string, dwellSec: number): void => {
    const tour: Tour = {
      id: `tour-${Date.now().toString(36)}`,
      name,
      cameras: [...selection.values()],
      dwellSec: clampDwell(dwellSec),
    };
    setTours((previous) => [...previous, tour]);
    setSelection(new Map());
  };

  const shown = visibleCells(cells, layout);
  const selectedCamera = shown[selectedCell] ?? null;
  const profile = preferredProfileFor(layout);
  const pageCount = runningTour === undefined ? 1 : tourPageCount(runningTour.cameras.length, layout);
  const side = gridSide(layout);
  const gridStyle = useMemo(
    () => ({
      gridTemplateColumns: `repeat(${side}, minmax(0, 1fr))`,
      gridTemplateRows: `repeat(${side}, minmax(0, 1fr))`,
    }),
    [side],
  );

  return (
    <main className="video-wall" data-testid="video-wall" data-layout={layout}>
      <aside className="video-wall__side">
        <DeviceTree api={api} nodes={nodes} selection={selection} onToggleSelect={toggleSelect} onPlace={place} />
        <TourPanel
          tours={tours}
          selectionCount={selection.size}
          run={run}
          pageCount={pageCount}
          onCreate={createTour}
          onClearSelection={() => setSelection(new Map())}
          onStart={(tourId) => {
            const tour = tours.find((candidate) => candidate.id === tourId);
            if (tour !== undefined) {
              setRun(startRun(tour, Date.now()));
            }
          }}
          onPause={() => setRun((previous) => (previous === null ? null : pauseRun(previous, Date.now())))}
          onResume={() => setRun((previous) => (previous === null ? null : resumeRun(previous, Date.now())))}
          onStop={() => setRun(null)}
          onRemove={(tourId) => {
            setTours((previous) => previous.filter((tour) => tour.id !== tourId));
            setRun((previous) => (previous?.tourId === tourId ? null : previous));
          }}
        />
        {selectedCamera !== null && selectedCamera.ptz ? (
          <PtzPanel key={selectedCamera.cameraId} api={api} camera={selectedCamera} />
        ) : null}
      </aside>
      <section className="video-wall__center">
        <div className="video-wall__toolbar" role="toolbar">
          {WALL_LAYOUTS.map((option) => (
            <button
              key={option}
              type="button"
              className={`button layout-button${option === layout ? ' layout-button--active' : ''}`}
              data-testid={`layout-${option}`}
              aria-pressed={option === layout}
              onClick={() => {
                setLayout(option);
                setSelectedCell((index) => (index < option ? index : 0));
              }}
            >
              {t('video.layout', { count: option })}
            </button>
          ))}
        </div>
        <div className="video-grid" data-testid="video-grid" style={gridStyle}>
          {shown.map((camera, index) => (
            <VideoCell
              key={index}
              api={api}
              index={index}
              camera={camera}
              selected={index === selectedCell}
              preferredProfile={profile}
              clockOffsetMs={clockOffsetMs}
              onSelect={setSelectedCell}
              onClose={onClose}
              onDrop={onDrop}
            />
          ))}
        </div>
      </section>
    </main>
  );
}
