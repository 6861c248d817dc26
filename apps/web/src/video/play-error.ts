import type { LinkUsage } from '@bsm/protocol';
import type { TFunction } from 'i18next';
import { ApiRequestError } from '../api/api-request-error';

/** Why a cell cannot play, as far as the officer needs it: code, whether trying again can help, details. */
export interface PlayErrorInfo {
  /** The API's error code, `network_error`, `http_5xx`, or `stream` for a failure of the stream itself. */
  code: string;
  /** Trying again later can succeed (link full, camera offline, center unreachable, stream broke). */
  retry: boolean;
  message: string;
  /** With `link_full`: who uses the branch's link. */
  link?: LinkUsage;
}

/** Codes after which asking again cannot help until something changes by hand. */
const FINAL_CODES = new Set([
  'outside_jurisdiction',
  'not_found',
  'invalid_request',
  'forbidden',
  'unauthorized',
  'unauthenticated',
]);

export function playErrorInfo(error: unknown): PlayErrorInfo {
  if (error instanceof ApiRequestError) {
    const final = FINAL_CODES.has(error.code) || error.status === 401 || error.status === 403 || error.status === 404;
    return { code: error.code, retry: !final, message: error.message, link: error.link };
  }
  return { code: 'stream', retry: true, message: error instanceof Error ? error.message : String(error) };
}

/** The error shown in a cell: a headline and, for a full link, one line per stream using it. */
export interface PlayErrorText {
  title: string;
  lines: string[];
}

export function playErrorText(info: PlayErrorInfo, t: TFunction): PlayErrorText {
  switch (info.code) {
    case 'preempted':
    case 'link_full': {
      const link = info.link;
      if (link === undefined) {
        return { title: t(info.code === 'preempted' ? 'video.error.preempted' : 'video.error.linkFull'), lines: [] };
      }
      const usage = { link: link.link, used: link.usedKbps, capacity: link.capacityKbps };
      return {
        title: t(info.code === 'preempted' ? 'video.error.preemptedOn' : 'video.error.linkFullOn', usage),
        lines: link.streams.map((stream) =>
          t('video.error.linkHolder', {
            camera: stream.cameraName,
            profile: t(`streamProfile.${stream.profile}`),
            kbps: stream.kbps,
            purpose: t(`video.purpose.${stream.purpose}`),
            heldBy: stream.heldBy,
          }),
        ),
      };
    }
    case 'outside_jurisdiction':
      return { title: t('video.error.outsideJurisdiction'), lines: [] };
    case 'not_found':
      return { title: t('video.error.notFound'), lines: [] };
    case 'camera_offline':
      return { title: t('video.error.cameraOffline'), lines: [] };
    case 'network_error':
      return { title: t('video.error.network'), lines: [] };
    case 'unauthorized':
    case 'unauthenticated':
      return { title: t('video.error.unauthorized'), lines: [] };
    case 'stream':
      return { title: t('video.error.stream', { message: info.message }), lines: [] };
    default:
      return { title: t('video.error.other', { message: info.message }), lines: [] };
  }
}
