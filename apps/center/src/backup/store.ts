import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expiredBackups, orphanSidecars, ownBackups, sidecarFileName, stalePartials, type Retention } from './files.js';

/** The backup directory: what is in it, and retention. Only files named as this center's backups are touched. */

/** A partial file older than this was left by a killed backup (a running one is far younger). */
const STALE_PARTIAL_MS = 24 * 3600 * 1000;

/** This center's backups in `dir`, newest first. */
export async function listBackups(dir: string, centerId: string): Promise<{ name: string; at: Date }[]> {
  return ownBackups(await readdir(dir), centerId);
}

/**
 * Applies retention: removes this center's backups (with their sidecars)
 * that `expiredBackups` selects, and what killed backups left (partial
 * files, sidecars without their backup) once a day old.
 * Returns the names removed. Foreign files are never touched.
 */
export async function pruneBackups(dir: string, centerId: string, retention: Retention, now: Date): Promise<string[]> {
  const names = await readdir(dir);
  const expired = expiredBackups(ownBackups(names, centerId), retention, now);
  const stale = stalePartials(names, centerId, now, STALE_PARTIAL_MS);
  for (const name of expired) {
    // The backup first: a sidecar without its backup is harmless, a backup without a sidecar less checkable.
    await rm(join(dir, name), { force: true });
    await rm(join(dir, sidecarFileName(name)), { force: true });
  }
  const orphans = orphanSidecars(names, centerId, now, STALE_PARTIAL_MS);
  for (const name of [...stale, ...orphans]) {
    await rm(join(dir, name), { force: true });
  }
  return [...expired, ...stale, ...orphans];
}
