import { readFileSync } from 'node:fs';
import { NodeId } from '@bsm/protocol';

/**
 * Parses a credentials file: one `nodeId:argon2hash` per line, `#` comments
 * and blank lines allowed — the shape of a Mosquitto password file, so the
 * same habit serves both brokers. Throws listing every bad line.
 */
export function parseCredentials(text: string, source: string): Map<string, string> {
  const out = new Map<string, string>();
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      return;
    }
    const colon = line.indexOf(':');
    const id = colon > 0 ? line.slice(0, colon) : '';
    const hashed = colon > 0 ? line.slice(colon + 1) : '';
    if (!NodeId.safeParse(id).success || !hashed.startsWith('$argon2')) {
      problems.push(`line ${i + 1}: expected "<nodeId>:<argon2 hash>"`);
      return;
    }
    out.set(id, hashed);
  });
  if (problems.length > 0) {
    throw new Error(`invalid credentials file ${source}:\n  ${problems.join('\n  ')}`);
  }
  return out;
}

export const readCredentialsFile = (path: string): Map<string, string> =>
  parseCredentials(readFileSync(path, 'utf8'), path);
