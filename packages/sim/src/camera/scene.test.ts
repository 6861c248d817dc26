import { describe, expect, it } from 'vitest';
import { STREAM_PROFILES, buildCameraArgs } from './scene.js';

const crop = { w: 'iw*0.5', x: 'iw*0.5-ow/2', y: 'ih*0.5-oh/2' };

function args(profile: 'main' | 'sub'): string[] {
  return buildCameraArgs({
    cameraId: 'b1.cam-hall',
    profile: STREAM_PROFILES[profile],
    publishUrl: `rtsp://127.0.0.1:8554/b1.cam-hall/${profile}`,
    fontFile: '/fonts/DejaVuSansMono.ttf',
    crop,
  });
}

/** The value after a flag. */
function flag(list: string[], name: string): string | undefined {
  return list[list.indexOf(name) + 1];
}

describe('buildCameraArgs', () => {
  it.each([
    ['sub', '704x576', '15', '256k'],
    ['main', '1408x1152', '10', '768k'],
  ] as const)('%s: exact encoder and output flags', (profile, canvas, fps, rate) => {
    const list = args(profile);
    expect(list.slice(0, 14)).toEqual([
      '-hide_banner',
      '-loglevel',
      'warning',
      '-nostats',
      '-re',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${canvas}:rate=${fps}`,
      '-re',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=1000:sample_rate=48000:samples_per_frame=480',
    ]);
    expect(list.slice(list.indexOf('-map'))).toEqual([
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
      fps,
      '-g',
      fps,
      '-keyint_min',
      fps,
      '-sc_threshold',
      '0',
      '-bf',
      '0',
      '-b:v',
      rate,
      '-maxrate',
      rate,
      '-bufsize',
      rate,
      '-c:a',
      'aac',
      '-b:a',
      '32k',
      '-ac',
      '1',
      '-ar',
      '48000',
      '-muxdelay',
      '0.1',
      '-f',
      'rtsp',
      '-rtsp_transport',
      'tcp',
      `rtsp://127.0.0.1:8554/b1.cam-hall/${profile}`,
    ]);
  });

  it('builds the sub-stream filter graph: wall-clock pts, PTZ crop, overlays, code, flash, beep', () => {
    const graph = flag(args('sub'), '-filter_complex') ?? '';
    const [video, audio] = graph.split(';');
    const filters = (video ?? '').split(/,(?=[a-z_]+(?:@\w+)?=|setpts|settb)/);
    expect(filters.slice(0, 4)).toEqual([
      '[0:v]settb=AVTB',
      'setpts=RTCTIME',
      "crop@ptz=w='iw*0.5':h='ow*288/352':x='iw*0.5-ow/2':y='ih*0.5-oh/2'",
      'scale=352:288',
    ]);
    expect(filters[4]).toBe(
      "drawtext=fontfile='/fonts/DejaVuSansMono.ttf':fontsize=16:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=2:x=8:y=8:text='b1.cam-hall'",
    );
    expect(filters[5]).toContain(
      "text='%{pts\\:localtime\\:0\\:%Y-%m-%d %T}.%{eif\\:mod(floor(t*1000),1000)\\:d\\:3}'",
    );
    expect(filters[6]).toBe('drawbox=x=8:y=248:w=200:h=32:color=black:t=fill');
    expect(filters[7]).toBe('drawbox=x=16:y=256:w=8:h=8:color=white:t=fill');
    expect(filters[8]).toBe(
      "drawbox=x=32:y=256:w=8:h=8:color=white:t=fill:enable='mod(floor(t*1000/1099511627776),2)'",
    );
    expect(filters.filter((f) => f.startsWith('drawbox'))).toHaveLength(1 + 2 + 41 + 1 + 1);
    expect(filters.at(-2)).toBe('setpts=N/FRAME_RATE/TB');
    expect(filters.at(-1)).toBe("drawbox=x=312:y=8:w=32:h=32:color=white:t=fill:enable='lt(mod(t,1),0.1)'[v]");
    expect(audio).toBe("[1:a]volume=volume=0:enable='gte(mod(t,1),0.1)'[a]");
  });

  it('scales the overlays with the main stream and keeps odd camera ids out of the filter syntax', () => {
    const list = buildCameraArgs({
      cameraId: "x':y,z",
      profile: STREAM_PROFILES.main,
      publishUrl: 'rtsp://127.0.0.1:1/x/main',
      fontFile: '/f.ttf',
      crop,
    });
    const graph = flag(list, '-filter_complex') ?? '';
    expect(graph).toContain("h='ow*576/704'");
    expect(graph).toContain("text='x__y_z'");
    expect(graph).toContain('drawbox=x=16:y=496:w=400:h=64:color=black:t=fill');
  });
});
