import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { hashSecret, newSecret } from '@bsm/runtime';
import { z } from 'zod';

const SecretsFile = z.record(z.string(), z.strictObject({ secret: z.string(), hash: z.string() }));

/**
 * Node credentials of a demo network, made on the first start and kept in
 * the data directory (mode 0600), so restarts keep working and nothing
 * secret is committed. A production site makes them with
 * `npm run center -- new-node-secret <id>`.
 */
export async function loadOrCreateSecrets(
  file: string,
  nodeIds: string[],
): Promise<Map<string, { secret: string; hash: string }>> {
  const existing = existsSync(file) ? SecretsFile.parse(JSON.parse(readFileSync(file, 'utf8'))) : {};
  let changed = false;
  for (const id of nodeIds) {
    if (!existing[id]) {
      const secret = newSecret();
      existing[id] = { secret, hash: await hashSecret(secret) };
      changed = true;
    }
  }
  if (changed) {
    await writeFile(file, JSON.stringify(existing, null, 2), { mode: 0o600 });
  }
  return new Map(Object.entries(existing));
}

/**
 * A center's key for its authenticator secrets at rest (`auth.secretKeyFile`): made once, then kept, since
 * the secrets sealed under it open with it alone. Returns the file.
 */
export function ensureSecretKey(file: string): string {
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return file;
}
