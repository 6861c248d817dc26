import { SupervisedProcess, type ProcessLog, type SupervisedProcessOptions } from './supervised-process.js';

/**
 * A parent center pulls a stream from its child center's media server and
 * publishes it into its own, so the stream crosses the link once however
 * many viewers the parent has (C2f). ffmpeg copies the packets (no decode):
 * the cost is a socket in and a socket out.
 */
export interface RelayArgs {
  /** The child's signed play URL: `http://child:8000/live/<name>.flv?…` or `rtmp://child:1935/live/<name>?…`. */
  source: string;
  /** Our own signed publish URL: `rtmp://127.0.0.1:<port>/live/<name>?…`. */
  target: string;
  /** Give up on a silent source after this long, so the supervisor restarts it (default 5 s). */
  ioTimeoutMs?: number;
}

export function relayArgs({ source, target, ioTimeoutMs = 5000 }: RelayArgs): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'warning',
    // No input buffering and a short probe: the child sends the codec headers and a GOP at once.
    '-fflags',
    'nobuffer',
    '-probesize',
    '65536',
    '-analyzeduration',
    '500000',
    // Microseconds; a child that stops sending ends the pull instead of hanging it.
    '-rw_timeout',
    String(ioTimeoutMs * 1000),
    '-i',
    source,
    '-c',
    'copy',
    '-f',
    'flv',
    target,
  ];
}

export interface RelayOptions {
  ffmpegPath: string;
  stream: string;
  /** A fresh signed play URL at the child for each (re)start: a URL is only valid to start for a short time. */
  source: () => string | Promise<string>;
  /** A fresh publish URL into our own server for each (re)start. */
  target: () => string;
  log: ProcessLog;
  backoff?: SupervisedProcessOptions['backoff'];
  onExit?: SupervisedProcessOptions['onExit'];
}

export function createRelay(opts: RelayOptions): SupervisedProcess {
  return new SupervisedProcess({
    name: `relay ${opts.stream}`,
    command: opts.ffmpegPath,
    args: async () => relayArgs({ source: await opts.source(), target: opts.target() }),
    log: opts.log,
    ...(opts.backoff ? { backoff: opts.backoff } : {}),
    ...(opts.onExit ? { onExit: opts.onExit } : {}),
  });
}
