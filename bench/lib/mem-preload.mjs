// Preloaded into the API with `node --import` by the bench: every second it writes the process's
// memory breakdown (process.memoryUsage() and V8's heap spaces, in MB) to BENCH_MEM_FILE, so the
// memory phase can say what the RSS is made of (JS heap, young generation, buffers, native). When the
// file `<BENCH_MEM_FILE>.snap` appears it writes a heap snapshot next to it (for investigations by
// hand: `touch bench/results/api-memory.json.snap` during a run; open the .heapsnapshot in DevTools).
import cluster from 'node:cluster';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

const file = process.env.BENCH_MEM_FILE;
// With API_PROCESSES above 1 every API process loads this file: only the first one the supervisor
// started watches and writes, so the figures are one API process' (not the supervisor's, not a mix).
const measured = cluster.isWorker ? cluster.worker.id === 1 : Number(process.env.API_PROCESSES ?? 1) === 1;
if (file && measured) {
  const mb = (n) => Math.round((n / 1048576) * 10) / 10;
  setInterval(() => {
    const m = process.memoryUsage();
    const spaces = {};
    for (const s of getHeapSpaceStatistics()) spaces[s.space_name] = mb(s.space_size);
    const snapshot = { rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), spaces };
    writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
    renameSync(`${file}.tmp`, file);
    if (existsSync(`${file}.snap`)) {
      rmSync(`${file}.snap`, { force: true });
      writeHeapSnapshot(`${file}.${Date.now()}.heapsnapshot`);
    }
  }, 1000).unref();

  // `<BENCH_MEM_FILE>.sample` starts V8's sampling heap profiler, keeping the samples of objects that
  // minor GCs did not free but a major GC did (what gets promoted and then dies: the old-space churn);
  // `<BENCH_MEM_FILE>.sample-stop` writes `<BENCH_MEM_FILE>.heapprofile` (DevTools opens it).
  const session = new Session();
  session.connect();
  let state = 'idle';
  setInterval(() => {
    if (state === 'idle' && existsSync(`${file}.sample`)) {
      rmSync(`${file}.sample`, { force: true });
      state = 'sampling';
      session.post('HeapProfiler.enable', () =>
        session.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false }, (err) => {
          if (err) process.stderr.write(`heap sampling failed: ${err.message}\n`);
        }),
      );
    } else if (state === 'sampling' && existsSync(`${file}.sample-stop`)) {
      rmSync(`${file}.sample-stop`, { force: true });
      state = 'done';
      session.post('HeapProfiler.stopSampling', (err, res) => {
        if (!err) writeFileSync(`${file}.heapprofile`, JSON.stringify(res.profile));
        else process.stderr.write(`heap sampling failed: ${err.message}\n`);
      });
    }
  }, 200).unref();
}
