// The project's fake upstream (libs/providers/src/testing), run for the benchmark. Same server as
// `node dist/libs/providers/src/testing/fake-upstream.main.js`, but its test bookkeeping (`served`,
// `requests`: every request's headers and body) is emptied every second, so a million-request run
// measures the gateway, not the fake's growing heap.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { setInterval } from 'node:timers';

const require = createRequire(import.meta.url);
const { startFakeUpstream } = require(resolve(import.meta.dirname, '..', '..', 'dist/libs/providers/src/testing/fake-upstream.js'));

const fake = await startFakeUpstream({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
setInterval(() => {
  fake.served.clear();
  fake.requests.length = 0;
}, 1000).unref();
process.stdout.write(`${JSON.stringify({ msg: 'fake upstream listening', url: fake.url, port: fake.port })}\n`);
const stop = () => void fake.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
