// Preloaded into the API with `node --import` when `npm run bench -- --profile` is used. When the file
// `<BENCH_CPU_PROF_FILE>.start` appears the V8 CPU profiler starts; when `<…>.stop` appears it stops
// and writes BENCH_CPU_PROF_FILE (a .cpuprofile that Chrome DevTools opens), and it can start again. Files, not signals:
// Nest's enableShutdownHooks() treats SIGUSR2 and friends as shutdown signals.
import cluster from 'node:cluster';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { setInterval } from 'node:timers';

const file = process.env.BENCH_CPU_PROF_FILE;
// With API_PROCESSES above 1 every API process loads this file: only the first one the supervisor
// started watches and writes, so the figures are one API process' (not the supervisor's, not a mix).
const measured = cluster.isWorker ? cluster.worker.id === 1 : Number(process.env.API_PROCESSES ?? 1) === 1;
if (file && measured) {
  const session = new Session();
  session.connect();
  let state = 'idle';
  setInterval(() => {
    if (state === 'idle' && existsSync(`${file}.start`)) {
      rmSync(`${file}.start`, { force: true });
      state = 'running';
      session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')));
    } else if (state === 'running' && existsSync(`${file}.stop`)) {
      rmSync(`${file}.stop`, { force: true });
      state = 'stopping';
      session.post('Profiler.stop', (err, res) => {
        if (!err) writeFileSync(file, JSON.stringify(res.profile));
        else process.stderr.write(`cpu profile failed: ${err.message}\n`);
        state = 'idle';
      });
    }
  }, 100).unref();
}
