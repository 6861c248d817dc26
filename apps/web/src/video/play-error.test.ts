import { createInstance, type TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api/api-request-error';
import { errorFromResponseBody } from '../api/api-request-error';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import { playErrorInfo, playErrorText } from './play-error';

async function translator(language: 'zh-CN' | 'en'): Promise<TFunction> {
  const i18n = createInstance();
  await i18n.init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng: language,
    interpolation: { escapeValue: false },
  });
  return i18n.t;
}

const linkFullBody = {
  error: {
    code: 'link_full',
    message: 'link fz-01 uplink is full',
    link: {
      link: 'fz-01 uplink',
      capacityKbps: 1000,
      usedKbps: 768,
      streams: [
        { cameraId: 'cam-9', cameraName: '金库门', profile: 'main', kbps: 768, purpose: 'alarm', heldBy: 'fz-op@fz' },
      ],
    },
  },
};

describe('play errors', () => {
  it('say 线路带宽已满 and who holds the link', async () => {
    const t = await translator('zh-CN');
    const info = playErrorInfo(errorFromResponseBody(409, 'Conflict', linkFullBody));
    expect(info).toMatchObject({ code: 'link_full', retry: true });
    const text = playErrorText(info, t);
    expect(text.title).toContain('线路带宽已满');
    expect(text.title).toContain('768 / 1000 kbit/s');
    expect(text.lines).toEqual(['金库门 · 主码流 · 768 kbit/s · 报警联动 · fz-op@fz']);
  });

  it('say 已被抢占 when the stream was cut for alarm video, and who took the link', async () => {
    const t = await translator('zh-CN');
    const body = { error: { ...linkFullBody.error, code: 'preempted', message: 'cut for alarm video' } };
    const info = playErrorInfo(errorFromResponseBody(409, 'Conflict', body));
    expect(info).toMatchObject({ code: 'preempted', retry: true });
    const text = playErrorText(info, t);
    expect(text.title).toContain('已被同一线路上更紧急的视频抢占');
    expect(text.lines).toEqual(['金库门 · 主码流 · 768 kbit/s · 报警联动 · fz-op@fz']);
  });

  it('say it in English when the officer chose English', async () => {
    const t = await translator('en');
    const text = playErrorText(playErrorInfo(errorFromResponseBody(409, 'Conflict', linkFullBody)), t);
    expect(text.title).toContain('Link bandwidth is full');
    expect(text.lines[0]).toContain('alarm video');
  });

  it('name the other refusals in the officer language', async () => {
    const t = await translator('zh-CN');
    const title = (status: number, code: string, message = code): string =>
      playErrorText(playErrorInfo(new ApiRequestError(status, code, message)), t).title;
    expect(title(403, 'outside_jurisdiction')).toBe('该摄像机不在您的管辖范围内');
    expect(title(404, 'not_found')).toBe('摄像机不存在');
    expect(title(409, 'camera_offline')).toBe('摄像机离线');
    expect(title(0, 'network_error')).toBe('无法连接监控中心');
    expect(title(500, 'internal', 'media server down')).toBe('无法播放：media server down');
  });

  it('retry only what can come right by itself', () => {
    const retry = (status: number, code: string): boolean =>
      playErrorInfo(new ApiRequestError(status, code, code)).retry;
    expect(retry(409, 'link_full')).toBe(true);
    expect(retry(409, 'camera_offline')).toBe(true);
    expect(retry(0, 'network_error')).toBe(true);
    expect(retry(502, 'http_502')).toBe(true);
    expect(retry(403, 'outside_jurisdiction')).toBe(false);
    expect(retry(404, 'not_found')).toBe(false);
    expect(retry(401, 'unauthorized')).toBe(false);
    expect(retry(401, 'unauthenticated')).toBe(false);
    expect(playErrorInfo(new Error('decode')).retry).toBe(true);
  });

  it('show a full link without usage details as the bare headline', async () => {
    const t = await translator('zh-CN');
    expect(playErrorText({ code: 'link_full', retry: true, message: 'full' }, t)).toEqual({
      title: '线路带宽已满',
      lines: [],
    });
  });
});
