import type { StreamProfileName, StreamPurpose } from '@bsm/protocol';
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { CenterApi } from '../api/center-api';
import { watchFrames } from './frame-clock';
import { FpsMeter, frameLatencyMs, medianOf } from './latency';
import { openMpegtsSink } from './mpegts-sink';
import { StreamSupervisor, type StreamSnapshot } from './stream-supervisor';
import { clearVideoStats, recordVideoStat } from './video-stats';

/** Everything the cell overlay shows about its stream. */
export interface PlayerStatus extends StreamSnapshot {
  kbps: number | null;
  fps: number | null;
  /** Median latency over the last second, ms; null without a frame clock. */
  latencyMs: number | null;
}

export const IDLE_STATUS: PlayerStatus = {
  state: 'idle',
  error: null,
  profile: null,
  requestedProfile: undefined,
  attempt: 0,
  kbps: null,
  fps: null,
  latencyMs: null,
};

interface VideoPlayerProps {
  api: Pick<CenterApi, 'play'>;
  cameraId: string;
  /** Sent with every play request, renewals included. */
  purpose: StreamPurpose;
  cellIndex: number;
  preferredProfile: StreamProfileName | undefined;
  /** Center clock minus browser clock (realtime/clock-offset.ts), for the latency. */
  clockOffsetMs: number;
  muted: boolean;
  /** Bumped by the cell's "retry" to try again at once. */
  retrySerial: number;
  videoRef: RefObject<HTMLVideoElement | null>;
  onStatus: (status: PlayerStatus) => void;
}

/**
 * One live camera: asks the center for a signed HTTP-FLV URL, plays it with
 * mpegts.js, and keeps it playing (StreamSupervisor). Reports state, bitrate,
 * frame rate and latency about once a second, and every frame's figures to
 * window.__bsmVideoStats[cellIndex] (video-stats.ts).
 */
export function VideoPlayer({
  api,
  cameraId,
  purpose,
  cellIndex,
  preferredProfile,
  clockOffsetMs,
  muted,
  retrySerial,
  videoRef,
  onStatus,
}: VideoPlayerProps) {
  const [snapshot, setSnapshot] = useState<StreamSnapshot>(IDLE_STATUS);
  const [figures, setFigures] = useState<Pick<PlayerStatus, 'kbps' | 'fps' | 'latencyMs'>>({
    kbps: null,
    fps: null,
    latencyMs: null,
  });
  const profileRef = useRef(preferredProfile);
  profileRef.current = preferredProfile;
  const offsetRef = useRef(clockOffsetMs);
  offsetRef.current = clockOffsetMs;
  const kbpsRef = useRef<number | null>(null);
  const onStatusRef = useRef(onStatus);
  onStatusRef.current = onStatus;

  // The stream: one supervisor per camera (and per "retry").
  useEffect(() => {
    const video = videoRef.current;
    if (video === null) {
      return undefined;
    }
    kbpsRef.current = null;
    const supervisor = new StreamSupervisor({
      requestPlay: (profile, signal) => api.play(cameraId, { profile, purpose }, signal),
      open: (url, fail) =>
        openMpegtsSink(video, url, {
          fail,
          onBitrate: (kbps) => {
            kbpsRef.current = kbps;
          },
        }),
      preferredProfile: () => profileRef.current,
      onChange: setSnapshot,
    });
    supervisor.start();
    return () => supervisor.stop();
  }, [api, cameraId, purpose, retrySerial, videoRef]);

  // Per-frame figures: frame rate, and latency when a FrameClock is plugged.
  useEffect(() => {
    const video = videoRef.current;
    if (video === null) {
      return undefined;
    }
    clearVideoStats(cellIndex);
    const meter = new FpsMeter();
    let latencies: number[] = [];
    const stopWatching = watchFrames(video, (frame) => {
      meter.frame(frame.presentedAtMs);
      const latencyMs = frameLatencyMs(frame.nowMs, offsetRef.current, frame.frameClockMs);
      if (latencyMs !== null) {
        latencies.push(latencyMs);
      }
      recordVideoStat(cellIndex, { at: frame.nowMs, cameraId, latencyMs, fps: meter.fps(frame.presentedAtMs) });
    });
    const timer = setInterval(() => {
      const fps = meter.fps(performance.now());
      setFigures({ kbps: kbpsRef.current, fps, latencyMs: medianOf(latencies) });
      latencies = [];
    }, 1_000);
    return () => {
      stopWatching();
      clearInterval(timer);
      clearVideoStats(cellIndex);
    };
  }, [cameraId, cellIndex, videoRef]);

  useEffect(() => {
    const playing = snapshot.state === 'playing' || snapshot.state === 'stalled';
    onStatusRef.current({
      ...snapshot,
      kbps: playing ? figures.kbps : null,
      fps: playing ? figures.fps : null,
      latencyMs: playing ? figures.latencyMs : null,
    });
  }, [snapshot, figures]);

  useEffect(() => {
    const video = videoRef.current;
    if (video !== null) {
      video.muted = muted;
    }
  }, [muted, videoRef]);

  return <video ref={videoRef} className="video-cell__video" muted={muted} autoPlay playsInline />;
}
