/** How RTP travels from the camera: see `rtsp.transport` in the agent config. */
export type RtspTransport = 'tcp' | 'udp' | 'auto';

export interface PushArgsOptions {
  /** The camera's RTSP URL for the profile. */
  rtspUrl: string;
  /** The media server's RTMP URL, with the per-stream key. */
  rtmpUrl: string;
  transport?: RtspTransport;
  /**
   * A camera silent this long is given up (ffmpeg exits and is restarted). ffmpeg ≤ 4 calls this option
   * `-stimeout`; its `-timeout` on an RTSP input means "listen for a connection", which would turn the
   * pull into a server. ffmpeg ≥ 5 renamed it `-timeout`. Both take microseconds.
   */
  ioTimeoutMs?: number;
  /** Which spelling the installed ffmpeg understands (see {@link rtspTimeoutOption}). */
  timeoutOption?: '-stimeout' | '-timeout';
}

/** Defaults chosen for live viewing: a dead camera is noticed within 5 s. */
export const PUSH_DEFAULTS = { transport: 'tcp', ioTimeoutMs: 5_000, timeoutOption: '-stimeout' } as const;

/**
 * The ffmpeg command line that pulls a camera's RTSP and pushes it, untouched (`-c copy`), as RTMP/FLV. Pure, so
 * the exact arguments are unit-tested.
 *
 * - Low latency: no input buffering, a small probe (a camera stream is H.264 + maybe AAC; 1 s / 500 kB is plenty
 *   and keeps start-up under a second or two instead of ffmpeg's 5 s default analysis).
 * - Garbage-tolerant: corrupt packets are dropped (`+discardcorrupt`) and timestamps regenerated (`+genpts`) rather
 *   than aborting the push; a camera that stops sending trips the I/O timeout.
 * - Audio: copied when the camera has it (AAC), otherwise video only; `0:a:0?` is optional so a mute camera works.
 * - `-progress pipe:1`: machine-readable `frame=N` lines on stdout, every ~0.5 s, so the supervisor knows media is
 *   flowing rather than merely that the process exists.
 */
export function pushArgs(options: PushArgsOptions): string[] {
  const transport = options.transport ?? PUSH_DEFAULTS.transport;
  const ioTimeoutUs = String((options.ioTimeoutMs ?? PUSH_DEFAULTS.ioTimeoutMs) * 1000);
  const transportArgs = transport === 'auto' ? ['-rtsp_flags', 'prefer_tcp'] : ['-rtsp_transport', transport];
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'warning',
    ...transportArgs,
    options.timeoutOption ?? PUSH_DEFAULTS.timeoutOption,
    ioTimeoutUs,
    '-fflags',
    'nobuffer+discardcorrupt+genpts',
    '-flags',
    'low_delay',
    '-analyzeduration',
    '1000000',
    '-probesize',
    '500000',
    '-i',
    options.rtspUrl,
    '-map',
    '0:v:0',
    '-map',
    '0:a:0?',
    '-c',
    'copy',
    '-f',
    'flv',
    '-flvflags',
    'no_duration_filesize',
    '-progress',
    'pipe:1',
    options.rtmpUrl,
  ];
}

/** The spelling of the RTSP socket timeout for an ffmpeg whose `-version` first line is given. */
export function rtspTimeoutOption(versionLine: string): '-stimeout' | '-timeout' {
  // Release builds say "ffmpeg version 4.4.2-…"; git builds "ffmpeg version N-47683-g…" (this one is 2018, 4.x era).
  const release = /ffmpeg version n?(\d+)\./i.exec(versionLine);
  if (release) {
    return Number(release[1]) >= 5 ? '-timeout' : '-stimeout';
  }
  const year = /Copyright \(c\) 2000-(\d{4})/.exec(versionLine);
  if (year) {
    // ffmpeg 5.0 came out in January 2022.
    return Number(year[1]) >= 2022 ? '-timeout' : '-stimeout';
  }
  return '-stimeout';
}
