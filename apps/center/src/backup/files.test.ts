import { describe, expect, it } from 'vitest';
import {
  backupFileName,
  expiredBackups,
  orphanSidecars,
  ownBackups,
  parseBackupFileName,
  parseSidecar,
  partialFileName,
  sidecarContent,
  stalePartials,
} from './files.js';

const at = (iso: string): Date => new Date(iso);
const DAY = 86_400_000;

describe('backup file names', () => {
  it('name a backup by center and UTC time to the millisecond, and read it back', () => {
    const name = backupFileName('fz-gulou', at('2026-12-01T10:15:30.123Z'));
    expect(name).toBe('bsm-fz-gulou-20261201T101530123Z.bsmbackup');
    expect(parseBackupFileName(name)).toEqual({ centerId: 'fz-gulou', at: at('2026-12-01T10:15:30.123Z') });
    expect(parseBackupFileName(`/mnt/backup/${name}`)?.centerId).toBe('fz-gulou');
    expect(partialFileName('fz', at('2026-12-01T10:15:30.123Z'))).toBe('.bsm-fz-20261201T101530123Z.bsmbackup.partial');
  });

  it.each([
    'bsm-fz-20261301T101530123Z.bsmbackup', // month 13
    'bsm-fz-20261201T101530Z.bsmbackup', // no milliseconds
    'bsm-fz-latest.bsmbackup',
    'bsm-fz-20261201T101530123Z.bsmbackup.sha256',
    'bsm-fz-20261201T101530123Z.bsmbackup.old',
    '.bsm-fz-20261201T101530123Z.bsmbackup.partial',
    'fz-20261201T101530123Z.bsmbackup',
    'notes.txt',
  ])('do not take %s for a backup', (name) => {
    expect(parseBackupFileName(name)).toBeNull();
  });

  it("list only this center's backups, newest first", () => {
    const names = [
      'bsm-fz-20261201T000000000Z.bsmbackup',
      'bsm-fz-20261203T000000000Z.bsmbackup',
      'bsm-fz-20261203T000000000Z.bsmbackup.sha256',
      'bsm-fz-gulou-20261204T000000000Z.bsmbackup', // center fz-gulou, not fz
      'bsm-qz-20261205T000000000Z.bsmbackup',
      'bsm-fz-20261202T000000000Z.bsmbackup',
      'README',
    ];
    expect(ownBackups(names, 'fz').map((b) => b.name)).toEqual([
      'bsm-fz-20261203T000000000Z.bsmbackup',
      'bsm-fz-20261202T000000000Z.bsmbackup',
      'bsm-fz-20261201T000000000Z.bsmbackup',
    ]);
    expect(ownBackups(names, 'fz-gulou').map((b) => b.name)).toEqual(['bsm-fz-gulou-20261204T000000000Z.bsmbackup']);
  });
});

describe('retention', () => {
  const now = at('2026-12-10T00:00:00.000Z');
  const backups = [1, 2, 3, 5, 8, 13].map((daysAgo) => ({
    name: `b-${daysAgo}d`,
    at: new Date(now.getTime() - daysAgo * DAY),
  }));

  it('keeps the newest `keep`', () => {
    expect(expiredBackups(backups, { keep: 3 }, now)).toEqual(['b-5d', 'b-8d', 'b-13d']);
    expect(expiredBackups(backups, { keep: 10 }, now)).toEqual([]);
  });

  it('also keeps every backup younger than keepDays', () => {
    expect(expiredBackups(backups, { keep: 2, keepDays: 6 }, now)).toEqual(['b-8d', 'b-13d']);
    expect(expiredBackups(backups, { keep: 5, keepDays: 1 }, now)).toEqual(['b-13d']);
  });

  it('never removes the newest backup, however old', () => {
    const old = [{ name: 'only', at: new Date(now.getTime() - 400 * DAY) }];
    expect(expiredBackups(old, { keep: 1, keepDays: 1 }, now)).toEqual([]);
    expect(expiredBackups([...backups].reverse(), { keep: 1, keepDays: 1 }, now)).toEqual([
      'b-2d',
      'b-3d',
      'b-5d',
      'b-8d',
      'b-13d',
    ]);
  });

  it('clears what killed backups left once a day old, and nothing else', () => {
    const names = [
      '.bsm-fz-20261208T000000000Z.bsmbackup.partial', // 2 days old
      '.bsm-fz-20261209T230000000Z.bsmbackup.partial', // 1 hour: maybe running
      '.bsm-qz-20261201T000000000Z.bsmbackup.partial', // another center's
      '.bsm-fz-20261201T000000000Z.bsmbackup.partial.sha256', // its partial is gone
      'bsm-fz-20261201T000000000Z.bsmbackup.sha256', // its backup is gone
      'bsm-fz-20261202T000000000Z.bsmbackup',
      'bsm-fz-20261202T000000000Z.bsmbackup.sha256', // its backup is there
      'bsm-fz-20261209T230000000Z.bsmbackup.sha256', // young: the rename may be under way
      'notes.sha256',
    ];
    expect(stalePartials(names, 'fz', now, DAY)).toEqual(['.bsm-fz-20261208T000000000Z.bsmbackup.partial']);
    expect(orphanSidecars(names, 'fz', now, DAY)).toEqual([
      '.bsm-fz-20261201T000000000Z.bsmbackup.partial.sha256',
      'bsm-fz-20261201T000000000Z.bsmbackup.sha256',
    ]);
  });
});

describe('sidecars', () => {
  const sha = 'ab'.repeat(32);

  it('are written as sha256sum writes them and read back', () => {
    const text = sidecarContent(sha, 'bsm-fz-20261201T000000000Z.bsmbackup');
    expect(text).toBe(`${sha}  bsm-fz-20261201T000000000Z.bsmbackup\n`);
    expect(parseSidecar(text)).toEqual({ sha256: sha, name: 'bsm-fz-20261201T000000000Z.bsmbackup' });
    expect(parseSidecar(`${sha} *x.bsmbackup`).name).toBe('x.bsmbackup'); // binary-mode marker
  });

  it('refuse anything else', () => {
    expect(() => parseSidecar('deadbeef  x')).toThrow(/not a SHA-256 sidecar/);
  });
});
