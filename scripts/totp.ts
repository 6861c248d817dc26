/**
 * Prints the current authenticator code of a demo user, for signing in to
 * the demo network without a phone:  npm run totp -- fz-op
 * (`--password` when the topology sets another demo password). Demo users
 * exist only in development mode; a production user enrols their own
 * authenticator at the first sign-in.
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { demoTotpSecret, TOTP_PERIOD_SEC, totpCode } from '@bsm/runtime';

const { values, positionals } = parseArgs({
  options: { password: { type: 'string' } },
  allowPositionals: true,
});
const username = positionals[0];
if (!username) {
  console.error('usage: npm run totp -- <username> [--password <demo password>]');
  process.exit(2);
}
/** The demo network's password: from `config/demo-network.yaml`, which `npm start` runs. */
function demoPassword(): string {
  const file = parse(readFileSync(resolve(import.meta.dirname, '../config/demo-network.yaml'), 'utf8')) as {
    demoPassword?: unknown;
  };
  return typeof file.demoPassword === 'string' ? file.demoPassword : 'Demo@2026';
}
const password = values.password ?? demoPassword();
const secret = demoTotpSecret(password, username);
const now = Date.now();
const left = TOTP_PERIOD_SEC - (Math.floor(now / 1000) % TOTP_PERIOD_SEC);
console.log(
  `${username}: ${totpCode(secret, now)}  (valid ${left} s more; next ${totpCode(secret, now + left * 1000)})`,
);
console.log(`secret, to add the user to an authenticator app: ${secret}`);
