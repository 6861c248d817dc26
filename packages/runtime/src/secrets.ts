import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

/**
 * argon2id with the library's defaults (19 MiB, 2 passes): the OWASP
 * baseline. Used for user passwords and for node credentials alike.
 */
export const hashSecret = (secret: string): Promise<string> => hash(secret);

export const verifySecret = async (hashed: string, secret: string): Promise<boolean> => {
  try {
    return await verify(hashed, secret);
  } catch {
    // A malformed stored hash must refuse, not crash the login path.
    return false;
  }
};

/** A random secret for a node credential: 32 bytes, URL-safe. */
export const newSecret = (): string => randomBytes(32).toString('base64url');
