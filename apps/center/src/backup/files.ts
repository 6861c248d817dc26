import { basename } from 'node:path';

/**
 * Names of backup files, their SHA-256 sidecars, and which ones retention
 * removes. Pure: the scheduler and the commands do the file system work.
 *
 * A backup of center `fz` taken at 2026-12-01 10:15:30.123 UTC is
 * `bsm-fz-20261201T101530123Z.bsmbackup`, with `….bsmbackup.sha256` beside it
 * in `sha256sum` format (`sha256sum -c` checks a copy). A backup being
 * written is `.bsm-fz-….bsmbackup.partial` and renamed once complete, so a
 * name without the dot is always a whole file.
 */

export const BACKUP_EXTENSION = '.bsmbackup';
export const SIDECAR_EXTENSION = '.sha256';
const PARTIAL_EXTENSION = '.partial';

const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/;
const NAME = /^bsm-(.+)-(\d{8}T\d{9}Z)\.bsmbackup$/;
const PARTIAL = /^\.bsm-(.+)-(\d{8}T\d{9}Z)\.bsmbackup\.partial$/;

/** `2026-12-01T10:15:30.123Z` → `20261201T101530123Z`. */
export function backupStamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}

function parseStamp(stamp: string): Date | null {
  const m = STAMP.exec(stamp);
  if (!m) {
    return null;
  }
  const [, y, mo, d, h, mi, s, ms] = m.map(Number) as [number, number, number, number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  // Reject impossible dates (month 13, day 32) rather than letting Date roll them over.
  return backupStamp(at) === stamp ? at : null;
}

export function backupFileName(centerId: string, at: Date): string {
  return `bsm-${centerId}-${backupStamp(at)}${BACKUP_EXTENSION}`;
}

export function partialFileName(centerId: string, at: Date): string {
  return `.${backupFileName(centerId, at)}${PARTIAL_EXTENSION}`;
}

export function sidecarFileName(backupFile: string): string {
  return `${backupFile}${SIDECAR_EXTENSION}`;
}

export interface BackupFileName {
  centerId: string;
  at: Date;
}

/** The center and time of a backup file name (a path's last part), or null when it is not one of ours. */
export function parseBackupFileName(name: string): BackupFileName | null {
  const m = NAME.exec(basename(name));
  const at = m?.[2] ? parseStamp(m[2]) : null;
  return m?.[1] && at ? { centerId: m[1], at } : null;
}

/** The same for a partial file left by an interrupted backup. */
export function parsePartialFileName(name: string): BackupFileName | null {
  const m = PARTIAL.exec(basename(name));
  const at = m?.[2] ? parseStamp(m[2]) : null;
  return m?.[1] && at ? { centerId: m[1], at } : null;
}

/** The backups of `centerId` among the names of a directory, newest first. Everything else is ignored. */
export function ownBackups(names: readonly string[], centerId: string): { name: string; at: Date }[] {
  return names
    .flatMap((name) => {
      const parsed = parseBackupFileName(name);
      return parsed && parsed.centerId === centerId && name === basename(name) ? [{ name, at: parsed.at }] : [];
    })
    .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.name < b.name ? 1 : -1));
}

export interface Retention {
  /** The newest this many are always kept. */
  keep: number;
  /** Every backup younger than this is kept too; undefined: the count alone decides. */
  keepDays?: number | undefined;
}

/**
 * The backups retention removes: those beyond the newest `keep` that are
 * also older than `keepDays` (when given). The newest backup is never
 * removed, whatever the settings.
 */
export function expiredBackups(
  backups: readonly { name: string; at: Date }[],
  retention: Retention,
  now: Date,
): string[] {
  const newestFirst = [...backups].sort((a, b) => b.at.getTime() - a.at.getTime());
  const cutoff = retention.keepDays === undefined ? null : now.getTime() - retention.keepDays * 86_400_000;
  return newestFirst
    .filter((b, i) => i >= Math.max(1, retention.keep) && (cutoff === null || b.at.getTime() < cutoff))
    .map((b) => b.name);
}

/** Partial files of `centerId` older than `maxAgeMs`: left by a backup that was killed; never a running one. */
export function stalePartials(names: readonly string[], centerId: string, now: Date, maxAgeMs: number): string[] {
  return names.filter((name) => {
    const parsed = parsePartialFileName(name);
    return parsed !== null && parsed.centerId === centerId && now.getTime() - parsed.at.getTime() > maxAgeMs;
  });
}

/** Sidecars of `centerId` older than `maxAgeMs` whose backup is not there (a backup killed between the two renames). */
export function orphanSidecars(names: readonly string[], centerId: string, now: Date, maxAgeMs: number): string[] {
  const present = new Set(names);
  return names.filter((name) => {
    if (!name.endsWith(SIDECAR_EXTENSION)) {
      return false;
    }
    const backup = name.slice(0, -SIDECAR_EXTENSION.length);
    const parsed = parseBackupFileName(backup) ?? parsePartialFileName(backup);
    return (
      parsed !== null &&
      parsed.centerId === centerId &&
      !present.has(backup) &&
      now.getTime() - parsed.at.getTime() > maxAgeMs
    );
  });
}

/** The sidecar's line, as `sha256sum` writes it. */
export function sidecarContent(sha256: string, backupName: string): string {
  return `${sha256}  ${backupName}\n`;
}

/** The hash a sidecar holds; throws when the file is not a sidecar. */
export function parseSidecar(text: string): { sha256: string; name: string } {
  const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(text.trim());
  if (!m?.[1] || !m[2]) {
    throw new Error('not a SHA-256 sidecar (expected "<64 hex digits>  <file name>")');
  }
  return { sha256: m[1], name: m[2] };
}
