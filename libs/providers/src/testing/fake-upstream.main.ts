import { fakeUpstreamBaseUrls, startFakeUpstream } from './fake-upstream';
import { parseFakeMode } from './fake-upstream.mode';

/**
 * Standalone offline demo upstream: `PORT=4010 node dist/libs/providers/src/testing/fake-upstream.main.js`.
 * FAKE_MODE (same grammar as the x-fake-mode header) sets a server-wide mode, HOST the bind address.
 */
async function main(): Promise<void> {
  const port = Number(process.env['PORT'] ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`fake-upstream: invalid PORT ${process.env['PORT']}\n`);
    process.exit(1);
  }
  const fake = await startFakeUpstream({ port, host: process.env['HOST'] ?? '127.0.0.1', mode: parseFakeMode(process.env['FAKE_MODE']) });
  process.stdout.write(`${JSON.stringify({ msg: 'fake upstream listening', url: fake.url, baseUrls: fakeUpstreamBaseUrls(fake.url) })}\n`);
  const stop = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
