import type { StreamProfileName } from '@bsm/protocol';
import { TIMESTAMP_CODE, cellRect, codeCells, quietZoneRect, type CellRect } from './timestamp-code.js';
import type { CropExpressions } from './viewport.js';

/** One encoded stream of a camera (SPEC V1–V3). */
export interface StreamProfile {
  name: StreamProfileName;
  width: number;
  height: number;
  fps: number;
  kbps: number;
}

export const STREAM_PROFILES: Readonly<Record<StreamProfileName, StreamProfile>> = {
  sub: { name: 'sub', width: 352, height: 288, fps: 15, kbps: 256 },
  main: { name: 'main', width: 704, height: 576, fps: 10, kbps: 768 },
};

export interface CameraArgsOptions {
  cameraId: string;
  profile: StreamProfile;
  /** Where ffmpeg publishes (ANNOUNCE/RECORD), e.g. rtsp://127.0.0.1:8554/cam1/sub. */
  publishUrl: string;
  /** A TrueType font for the overlays (DejaVu Sans Mono). */
  fontFile: string;
  /** The viewport at start; later changes arrive as crop commands on stdin. */
  crop: CropExpressions;
}

/** Name of the crop filter instance that PTZ commands target. */
export const PTZ_CROP_TARGET = 'crop@ptz';

/** Characters safe inside a quoted drawtext value (camera ids are a-z0-9._-). */
function overlayText(text: string): string {
  return text.replace(/[^A-Za-z0-9._ -]/g, '_');
}

/** Quotes a filter option value: inside '…' ffmpeg takes everything literally but the quote itself. */
function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function box(r: CellRect, color: string, enable?: string): string {
  const parts = [
    `x=${Math.round(r.x)}`,
    `y=${Math.round(r.y)}`,
    `w=${Math.round(r.w)}`,
    `h=${Math.round(r.h)}`,
    `color=${color}`,
    't=fill',
  ];
  if (enable !== undefined) {
    parts.push(`enable=${quote(enable)}`);
  }
  return `drawbox=${parts.join(':')}`;
}

/** Bit `k` of the frame's wall-clock milliseconds; `t` is the wall clock in seconds there. */
const bitExpr = (k: number): string => `mod(floor(t*1000/${2 ** k}),2)`;

/** Draws the timestamp code of timestamp-code.ts; one drawbox per white cell, enabled by its bit. */
function timestampCodeFilters(width: number, height: number): string[] {
  const filters = [box(quietZoneRect(width, height), 'black')];
  const allBits = Array.from({ length: TIMESTAMP_CODE.timeBits }, (_, k) => bitExpr(k));
  for (const cell of codeCells()) {
    const r = cellRect(cell.row, cell.column, width, height);
    if (cell.role.kind === 'guard') {
      if (cell.role.white) {
        filters.push(box(r, 'white'));
      }
    } else if (cell.role.kind === 'bit') {
      filters.push(box(r, 'white', bitExpr(cell.role.bit)));
    } else {
      filters.push(box(r, 'white', `mod(${allBits.join('+')},2)`));
    }
  }
  return filters;
}

/**
 * The ffmpeg command line (arguments only) of one simulated camera stream.
 *
 * Video: testsrc2 on a canvas of twice the output size in each direction,
 * paced in real time (`-re`). Right after the source, the frame time is
 * replaced by ffmpeg's own wall clock (`setpts=RTCTIME` in microseconds), so
 * everything downstream that reads `t` reads the real generation time of the
 * frame: the timestamp code, the readable clock and the PTZ crop (whose pan
 * expressions are functions of wall time). This is more exact than an epoch
 * offset computed by the caller, which would be off by ffmpeg's start-up time.
 * After the overlays the timestamps are renumbered from zero at the nominal
 * rate for the encoder; the once-a-second flash is drawn on those, like the
 * beep on the audio track's own timestamps, so both are aligned in stream time
 * (A/V sync is a matter of stream timestamps).
 *
 * Audio: a 1 kHz sine muted except for the first 100 ms of every second;
 * 480-sample frames make the edges exact to 10 ms. AAC mono 48 kHz.
 *
 * Encoding: x264 zerolatency, baseline (Chromium MSE plays it, no B-frames),
 * a keyframe every second exactly, CBR-like with a one-second buffer, and a
 * short mux delay so audio does not hold video back.
 */
export function buildCameraArgs(options: CameraArgsOptions): string[] {
  const { profile, crop } = options;
  const { width, height, fps } = profile;
  const u = width / TIMESTAMP_CODE.refWidth;
  const font = quote(options.fontFile);
  const fontSize = Math.round(16 * u);
  const label = overlayText(options.cameraId);
  const clock = `%{pts\\:localtime\\:0\\:%Y-%m-%d %T}.%{eif\\:mod(floor(t*1000),1000)\\:d\\:3}`;
  const textCommon = `fontfile=${font}:fontsize=${fontSize}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=${Math.round(2 * u)}`;
  const flash = Math.round(32 * u);
  const video = [
    'settb=AVTB',
    'setpts=RTCTIME',
    `${PTZ_CROP_TARGET}=w=${quote(crop.w)}:h=${quote(`ow*${height}/${width}`)}:x=${quote(crop.x)}:y=${quote(crop.y)}`,
    `scale=${width}:${height}`,
    `drawtext=${textCommon}:x=${Math.round(8 * u)}:y=${Math.round(8 * u)}:text=${quote(label)}`,
    `drawtext=${textCommon}:x=${Math.round(8 * u)}:y=${Math.round(30 * u)}:text=${quote(clock)}`,
    ...timestampCodeFilters(width, height),
    'setpts=N/FRAME_RATE/TB',
    box(
      { x: width - flash - Math.round(8 * u), y: Math.round(8 * u), w: flash, h: flash },
      'white',
      'lt(mod(t,1),0.1)',
    ),
  ].join(',');
  const audio = `volume=volume=0:enable=${quote('gte(mod(t,1),0.1)')}`;
  const gop = String(fps);
  return [
    '-hide_banner',
    '-loglevel',
    'warning',
    '-nostats',
    '-re',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${width * 2}x${height * 2}:rate=${fps}`,
    '-re',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=1000:sample_rate=48000:samples_per_frame=480',
    '-filter_complex',
    `[0:v]${video}[v];[1:a]${audio}[a]`,
    '-map',
    '[v]',
    '-map',
    '[a]',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-tune',
    'zerolatency',
    '-profile:v',
    'baseline',
    '-pix_fmt',
    'yuv420p',
    '-r',
    String(fps),
    '-g',
    gop,
    '-keyint_min',
    gop,
    '-sc_threshold',
    '0',
    '-bf',
    '0',
    '-b:v',
    `${profile.kbps}k`,
    '-maxrate',
    `${profile.kbps}k`,
    '-bufsize',
    `${profile.kbps}k`,
    '-c:a',
    'aac',
    '-b:a',
    '32k',
    '-ac',
    '1',
    '-ar',
    '48000',
    // ffmpeg's default mux delay (0.7 s) lets the RTP muxer pack that much AAC
    // into one packet, and the player then waits for it: half a second of latency.
    '-muxdelay',
    '0.1',
    '-f',
    'rtsp',
    '-rtsp_transport',
    'tcp',
    options.publishUrl,
  ];
}
