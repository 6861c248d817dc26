import { execFile } from 'node:child_process';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import { rtspTimeoutOption } from './ffmpeg-args.js';

/** The ffmpeg binary: `BSM_FFMPEG` if set (a distribution's own build), else the static one installed with npm. */
export function ffmpegPath(): string {
  return process.env.BSM_FFMPEG ?? ffmpegInstaller.path;
}

export interface FfmpegInfo {
  path: string;
  version: string;
  /** How this build spells the RTSP socket timeout. */
  timeoutOption: '-stimeout' | '-timeout';
}

const probes = new Map<string, Promise<FfmpegInfo>>();

/** Runs `ffmpeg -version` once per binary: the option spellings depend on it. */
export function probeFfmpeg(path = ffmpegPath()): Promise<FfmpegInfo> {
  let probe = probes.get(path);
  if (!probe) {
    probe = new Promise<FfmpegInfo>((resolve, reject) => {
      execFile(path, ['-hide_banner', '-version'], { timeout: 10_000 }, (error, stdout) => {
        if (error) {
          reject(new Error(`cannot run ffmpeg (${path}): ${error.message}`));
          return;
        }
        const version = stdout.split('\n')[0] ?? '';
        resolve({ path, version, timeoutOption: rtspTimeoutOption(version) });
      });
    });
    // A failed probe is not cached: the binary may be installed later.
    probe.catch(() => probes.delete(path));
    probes.set(path, probe);
  }
  return probe;
}
