/**
 * The camera farm of a demo network: every simulated branch's cameras behind
 * one RTSP port and one control port, encoding only what is being pulled.
 *   node --import tsx packages/sim/src/camera/main.ts --config cameras.json
 * The file: {"rtspPort": 18554, "controlPort": 18555, "cameras": [{"id": "…", "name": "…"}]}
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger, onShutdown } from '@bsm/runtime';
import { z } from 'zod';
import { SimulatedCameraServer } from './camera-server.js';

const FarmConfig = z.strictObject({
  host: z.string().default('127.0.0.1'),
  rtspPort: z.number().int().min(0).max(65_535),
  controlPort: z.number().int().min(0).max(65_535),
  cameras: z.array(z.strictObject({ id: z.string().min(1), name: z.string().optional() })).min(1),
});

const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } } });
const log = createLogger('cameras');
try {
  if (!values.config) {
    throw new Error('usage: main.ts --config <cameras.json>');
  }
  const config = FarmConfig.parse(JSON.parse(readFileSync(values.config, 'utf8')));
  const server = new SimulatedCameraServer({
    cameras: config.cameras,
    host: config.host,
    rtspPort: config.rtspPort,
    controlPort: config.controlPort,
    log: (message) => log.info(message),
  });
  await server.start();
  log.info(
    { rtspPort: server.rtspPort, controlUrl: server.controlUrl, cameras: config.cameras.length },
    'simulated cameras ready',
  );
  onShutdown(log, [() => server.stop()]);
} catch (error) {
  log.fatal({ err: error }, 'camera farm failed to start');
  process.exit(1);
}
