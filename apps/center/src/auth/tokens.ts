import { createHash } from 'node:crypto';

/** Session and challenge tokens are stored only as their SHA-256: a leaked table or heap gives nothing usable. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
