import mpegts from 'mpegts.js';
import type { StreamSink } from './stream-supervisor';

/**
 * mpegts.js tuned for live HTTP-FLV at low latency: no stash buffer, a small
 * first read, latency chasing (jump to the live edge when over 1.2 s behind)
 * and live sync (play a little faster when over 0.8 s behind), no lazy load.
 * The main thread does the demuxing (no worker), so nothing is loaded from
 * anywhere but the bundle. The signed URL may point at the center's media
 * server on another port: it is fetched in CORS mode without cookies (the
 * signature is the credential).
 */
export const LIVE_PLAYER_CONFIG: mpegts.Config = {
  isLive: true,
  enableWorker: false,
  enableStashBuffer: false,
  stashInitialSize: 16 * 1024,
  lazyLoad: false,
  deferLoadAfterSourceOpen: false,
  liveBufferLatencyChasing: true,
  liveBufferLatencyMaxLatency: 1.2,
  liveBufferLatencyMinRemain: 0.3,
  liveSync: true,
  liveSyncMaxLatency: 0.8,
  liveSyncTargetLatency: 0.4,
  liveSyncPlaybackRate: 1.1,
  autoCleanupSourceBuffer: true,
  autoCleanupMaxBackwardDuration: 20,
  autoCleanupMinBackwardDuration: 10,
  statisticsInfoReportInterval: 1_000,
};

let loggingQuiet = false;

/** mpegts.js logs every chunk at info level by default; a 16-cell wall would flood the console. */
function quietLogging(): void {
  if (!loggingQuiet) {
    loggingQuiet = true;
    mpegts.LoggingControl.applyConfig({ enableAll: false, enableError: true, enableWarn: true });
  }
}

export interface SinkCallbacks {
  fail: (reason: string) => void;
  /** Download rate of the stream, kbit/s, about once a second. */
  onBitrate: (kbps: number) => void;
}

/** Plays `url` in `video` with a fresh mpegts.js player; the returned sink reports progress and tears it down. */
export function openMpegtsSink(video: HTMLVideoElement, url: string, callbacks: SinkCallbacks): StreamSink {
  quietLogging();
  if (!mpegts.isSupported()) {
    throw new Error('Media Source Extensions are not available in this browser');
  }
  const player = mpegts.createPlayer(
    { type: 'flv', isLive: true, url, cors: true, withCredentials: false },
    LIVE_PLAYER_CONFIG,
  );
  let destroyed = false;
  player.on(mpegts.Events.ERROR, (type: string, detail: string) => {
    if (!destroyed) {
      callbacks.fail(`${type}: ${detail}`);
    }
  });
  player.on(mpegts.Events.LOADING_COMPLETE, () => {
    if (!destroyed) {
      callbacks.fail('stream ended');
    }
  });
  player.on(mpegts.Events.STATISTICS_INFO, (info: { speed?: number }) => {
    if (!destroyed && typeof info.speed === 'number') {
      // mpegts.js reports KiB/s.
      callbacks.onBitrate(Math.round((info.speed * 1024 * 8) / 1000));
    }
  });
  player.attachMediaElement(video);
  player.load();
  const started = player.play();
  if (started instanceof Promise) {
    // A refused autoplay shows up as no progress, which the watchdog handles.
    started.catch(() => undefined);
  }
  return {
    progress: () => {
      const frames =
        typeof video.getVideoPlaybackQuality === 'function' ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
      return video.currentTime * 1000 + frames;
    },
    destroy: () => {
      destroyed = true;
      player.pause();
      player.unload();
      player.detachMediaElement();
      player.destroy();
    },
  };
}
