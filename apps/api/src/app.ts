import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { requestLogging, rootLogger } from './common/logging';
import { loadConfigOrExit } from './config/app-config';
import { GatewayHttp } from './gateway/gateway-http';

/**
 * The HTTP API's Nest application, configured but not listening: main.ts serves it, the test support
 * starts it in-process. Kept out of main.ts so that a process supervising API children (API_PROCESSES)
 * loads none of it.
 */
export async function createApp(): Promise<NestExpressApplication> {
  const config = loadConfigOrExit();
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true, bodyParser: false, abortOnError: false, rawBody: true });
  app.useLogger(app.get(Logger));
  // Before every other middleware: the request id and req.log, which nestjs-pino's middleware binds.
  const logging = requestLogging(rootLogger(config, 'api'));
  app.use(logging);
  app.disable('x-powered-by');
  // API responses are never revalidated: no body hash per response (static console files keep theirs).
  app.set('etag', false);
  app.useBodyParser('json', { limit: config.get('MAX_BODY_BYTES') });
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  const corsOn = config.get('CORS_ORIGINS').length > 0;
  const exposedHeaders = ['Content-Range', 'x-request-id', 'retry-after'];
  app.enableCors({ origin: corsOn ? config.get('CORS_ORIGINS') : false, exposedHeaders });
  app.enableShutdownHooks();
  const adminDir = resolve(config.get('ADMIN_DIST_DIR'));
  if (existsSync(resolve(adminDir, 'index.html'))) {
    app.useStaticAssets(adminDir, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForIndex });
  }
  // Plain JSON gateway calls skip Express and Nest's route pipeline; they run the same steps (gateway-http.ts).
  if (config.get('GATEWAY_HTTP_ENTRY')) await GatewayHttp.install(app, { limitBytes: config.get('MAX_BODY_BYTES'), corsExposedHeaders: corsOn ? exposedHeaders.join(',') : null, requestLogging: logging });
  return app;
}

function noCacheForIndex(res: { setHeader(k: string, v: string): void }, path: string): void {
  if (path.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
}
