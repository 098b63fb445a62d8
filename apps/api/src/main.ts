import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { requestLogging, rootLogger } from './common/logging';
import { loadConfigOrExit } from './config/app-config';

export async function createApp(): Promise<NestExpressApplication> {
  const config = loadConfigOrExit();
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true, bodyParser: false, abortOnError: false, rawBody: true });
  app.useLogger(app.get(Logger));
  // Before every other middleware: the request id and req.log, which nestjs-pino's middleware binds.
  app.use(requestLogging(rootLogger(config, 'api')));
  app.disable('x-powered-by');
  // API responses are never revalidated: no body hash per response (static console files keep theirs).
  app.set('etag', false);
  app.useBodyParser('json', { limit: config.get('MAX_BODY_BYTES') });
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableCors({
    origin: config.get('CORS_ORIGINS').length > 0 ? config.get('CORS_ORIGINS') : false,
    exposedHeaders: ['Content-Range', 'x-request-id', 'retry-after'],
  });
  app.enableShutdownHooks();
  const adminDir = resolve(config.get('ADMIN_DIST_DIR'));
  if (existsSync(resolve(adminDir, 'index.html'))) {
    app.useStaticAssets(adminDir, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForIndex });
  }
  return app;
}

function noCacheForIndex(res: { setHeader(k: string, v: string): void }, path: string): void {
  if (path.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
}

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  // Read by V8 at each full collection, so it takes effect when set at start-up (bench/README.md).
  const growing = config.get('API_HEAP_GROWING_PERCENT');
  if (growing > 0) setFlagsFromString(`--heap-growing-percent=${growing}`);
  const app = await createApp();
  const server = app.getHttpServer();
  // Bound slow clients: headers within 10 s, whole request within 5 min (streams are responses).
  server.headersTimeout = 10_000;
  server.requestTimeout = 300_000;
  server.keepAliveTimeout = 65_000;
  await app.listen(config.get('PORT'), config.get('HOST'));
  app.get(Logger).log({ url: await app.getUrl() }, 'api listening');
}

if (require.main === module) {
  bootstrap().catch((err: unknown) => {
    process.stderr.write(`api failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
