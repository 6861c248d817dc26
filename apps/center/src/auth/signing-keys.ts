import { SigningKey } from '@bsm/protocol';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Db } from '../db/database.js';

export interface CenterKey {
  /** Signs this center's tickets. */
  privateKey: CryptoKey;
  /** What the centers below verify them with. */
  publicJwk: SigningKey;
}

/**
 * This center's Ed25519 signing key, made at its first start and kept in
 * its database (so a restore brings it back, and the centers below keep
 * trusting it).
 */
export async function loadOrCreateSigningKey(db: Db): Promise<CenterKey> {
  const row = await db.selectFrom('signing_keys').selectAll().where('id', '=', 'sso').executeTakeFirst();
  if (row) {
    return {
      privateKey: (await importJWK(row.private_jwk as JWK, 'EdDSA')) as CryptoKey,
      publicJwk: SigningKey.parse(row.public_jwk),
    };
  }
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const publicJwk = SigningKey.parse(pickPublic(await exportJWK(pair.publicKey)));
  const privateJwk = await exportJWK(pair.privateKey);
  await db
    .insertInto('signing_keys')
    .values({ id: 'sso', public_jwk: JSON.stringify(publicJwk), private_jwk: JSON.stringify(privateJwk) })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  // Another process may have won the race: use whatever is stored.
  return loadOrCreateSigningKey(db);
}

const pickPublic = (jwk: JWK): Record<string, unknown> => ({ kty: jwk.kty, crv: jwk.crv, x: jwk.x });
