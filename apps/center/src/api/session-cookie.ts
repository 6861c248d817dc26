/**
 * The session cookie's name, per center: browsers keep cookies per host, not
 * per port, so two centers on one host (the demo network, or a center and
 * its child behind one name) would otherwise overwrite each other's
 * session, and signing in at one would sign the officer out of the other.
 */
export const sessionCookieName = (centerId: string): string => `bsm_session_${centerId}`;

/** Reads one cookie from a Cookie header (socket.io handshakes do not go through express). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) {
    return undefined;
  }
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
