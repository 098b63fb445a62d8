import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { superviseApiProcesses } from './api-processes';
import { rootLogger } from './common/logging';
import { exitAfterGrace } from './common/shutdown';
import { loadConfigOrExit } from './config/app-config';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = rootLogger(config, 'api');
  const processes = config.get('API_PROCESSES') || availableParallelism();
  if (processes > 1 && cluster.isPrimary) {
    superviseApiProcesses({ processes, graceMs: config.get('SHUTDOWN_TIMEOUT_MS'), logger });
    return;
  }
  // Read by V8 at each full collection, so it takes effect when set at start-up (bench/README.md).
  const growing = config.get('API_HEAP_GROWING_PERCENT');
  if (growing > 0) setFlagsFromString(`--heap-growing-percent=${growing}`);
  // Loaded here, not at the top: a supervisor (above) has no use for the app's module graph.
  const { createApp } = await import('./app.js');
  const app = await createApp();
  exitAfterGrace(config.get('SHUTDOWN_TIMEOUT_MS'), logger);
  const server = app.getHttpServer();
  // Bound slow clients: headers within 10 s, whole request within 5 min (streams are responses).
  server.headersTimeout = 10_000;
  server.requestTimeout = 300_000;
  server.keepAliveTimeout = 65_000;
  await app.listen(config.get('PORT'), config.get('HOST'));
  logger.info({ url: await app.getUrl() }, 'api listening');
}

if (require.main === module) {
  bootstrap().catch((err: unknown) => {
    process.stderr.write(`api failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
