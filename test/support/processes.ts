import { readdirSync, readFileSync } from 'node:fs';

/**
 * Process ids whose command line matches, read from /proc (Linux), for tests
 * that kill a real child of another process (e.g. an agent's ffmpeg) the way
 * a crash would.
 */
export function pidsWhere(matches: (args: string[]) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    if (args.length > 0 && matches(args)) {
      pids.push(Number(entry));
    }
  }
  return pids;
}
