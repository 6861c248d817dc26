import { resolve } from 'node:path';
import { ensureDemoTls } from '@bsm/launcher';

/**
 * Once per test run, before any worker starts: one demo CA for every
 * network the tests start (they serve HTTPS like `npm start`), trusted by
 * the workers' fetch, socket.io and WebSocket clients. Node reads
 * NODE_EXTRA_CA_CERTS only when a process starts, hence here and not in a test.
 */
export default function setup(): void {
  const dir = resolve(import.meta.dirname, '../../.data/test-tls');
  const files = ensureDemoTls(dir);
  process.env.BSM_TLS_DIR = dir;
  process.env.NODE_EXTRA_CA_CERTS = files.caCertFile;
}
