import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { demoTlsFiles } from '@bsm/launcher';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (installed by .ci/run); CHROMIUM_PATH points elsewhere if needed. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The demo centers' certificate in `dir` (the test run's, from test/support/global-setup.ts, by
 * default), as Chromium names it in `--ignore-certificate-errors-spki-list`: the browser accepts that
 * one certificate and no other that fails its checks, as an officer's browser told to trust the demo
 * CA would.
 */
export function trustCenterCertificate(dir: string | undefined = process.env.BSM_TLS_DIR): string[] {
  if (!dir) {
    return [];
  }
  const cert = new X509Certificate(readFileSync(demoTlsFiles(dir).certFile));
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return [`--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`];
}

/** Headless Chromium with nothing reaching outside the machine, trusting the centers' certificate in `tlsDir`. */
export function launchBrowser(tlsDir?: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...trustCenterCertificate(tlsDir),
    ],
  });
}
