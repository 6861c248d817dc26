import { describe, expect, it } from 'vitest';
import { pushArgs, rtspTimeoutOption } from './ffmpeg-args.js';

describe('pushArgs', () => {
  it('builds the exact low-latency -c copy push over RTSP/TCP', () => {
    expect(
      pushArgs({
        rtspUrl: 'rtsp://admin:pw@10.0.0.9:554/Streaming/Channels/102',
        rtmpUrl: 'rtmp://c:1935/live/cam?k=1',
      }),
    ).toEqual([
      '-hide_banner',
      '-nostats',
      '-loglevel',
      'warning',
      '-rtsp_transport',
      'tcp',
      '-stimeout',
      '5000000',
      '-fflags',
      'nobuffer+discardcorrupt+genpts',
      '-flags',
      'low_delay',
      '-analyzeduration',
      '1000000',
      '-probesize',
      '500000',
      '-i',
      'rtsp://admin:pw@10.0.0.9:554/Streaming/Channels/102',
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
      'rtmp://c:1935/live/cam?k=1',
    ]);
  });

  it('prefers TCP but accepts UDP with transport auto, and uses the new timeout spelling for ffmpeg ≥ 5', () => {
    const args = pushArgs({
      rtspUrl: 'rtsp://sim/cam',
      rtmpUrl: 'rtmp://c/live/x',
      transport: 'auto',
      ioTimeoutMs: 2_000,
      timeoutOption: '-timeout',
    });
    expect(args.slice(4, 8)).toEqual(['-rtsp_flags', 'prefer_tcp', '-timeout', '2000000']);
    expect(pushArgs({ rtspUrl: 'rtsp://x', rtmpUrl: 'rtmp://y', transport: 'udp' }).slice(4, 6)).toEqual([
      '-rtsp_transport',
      'udp',
    ]);
  });

  it('picks the RTSP timeout option from the ffmpeg version', () => {
    expect(rtspTimeoutOption('ffmpeg version 4.4.2-0ubuntu0.22.04.1 Copyright (c) 2000-2021')).toBe('-stimeout');
    expect(rtspTimeoutOption('ffmpeg version 6.1.1 Copyright (c) 2000-2023 the FFmpeg developers')).toBe('-timeout');
    expect(rtspTimeoutOption('ffmpeg version n7.0 Copyright (c) 2000-2024')).toBe('-timeout');
    expect(
      rtspTimeoutOption(
        'ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2000-2018',
      ),
    ).toBe('-stimeout');
    expect(rtspTimeoutOption('ffmpeg version N-113000-gabc Copyright (c) 2000-2023')).toBe('-timeout');
  });
});
