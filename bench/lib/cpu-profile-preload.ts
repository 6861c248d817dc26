/**
 * Preload that records a V8 CPU profile of the whole process, for benches
 * that profile a center they start (`alarm-storm --cpu-prof`).
 *
 * Node 20 refuses `--cpu-prof` in NODE_OPTIONS, and the launcher's command
 * line of a center is fixed; `--import` is allowed there, so the bench puts
 * `--import tsx --import <this file>` in the center's NODE_OPTIONS together
 * with BSM_CPU_PROF_DIR. The profile is written as `<pid>.cpuprofile` when
 * the process exits (a center exits through `process.exit` on SIGTERM).
 * Open it in Chrome DevTools (Performance) or any `.cpuprofile` viewer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BSM_CPU_PROF_DIR;

if (dir) {
  const session = new Session();
  session.connect();
  // 1 ms sampling: enough resolution for a 60 s run without weighing on the process measured.
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.once('exit', () => {
    // An in-process inspector session answers synchronously, so this completes inside the exit handler.
    session.post('Profiler.stop', (error, result) => {
      if (!error) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      }
    });
  });
}
