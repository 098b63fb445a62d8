import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { pino, type DestinationStream, type Logger } from 'pino';
import { AppConfig } from '../config/app-config';
import { redactDeep } from './redact';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes a sane incoming x-request-id or makes one, and echoes it on the response. */
export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

let root: Logger | undefined;

/**
 * The process's one pino logger: JSON lines, secret-looking fields redacted. One per process, like
 * nestjs-pino's own root (several Nest apps in one test process share it).
 */
export function rootLogger(config: AppConfig, processName: 'api' | 'worker'): Logger {
  root ??= createLogger({ level: config.get('LOG_LEVEL'), processName });
  return root;
}

/** A logger with Tollgate's settings; `destination` is for tests (stdout otherwise). */
export function createLogger(opts: { level: string; processName: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      base: { process: opts.processName, pid: process.pid },
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        censor: '[REDACTED]',
      },
      formatters: {
        log: (obj: Record<string, unknown>) => redactDeep(obj) as Record<string, unknown>,
      },
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
    },
    opts.destination,
  );
}

/**
 * nestjs-pino over the root logger. `useExisting`: its middleware only binds `req.log` (set by
 * requestLogging below) for the request's async context, so every line logged while a request runs
 * carries its requestId.
 */
export function loggerParams(config: AppConfig, processName: 'api' | 'worker'): Params {
  return { pinoHttp: { logger: rootLogger(config, processName) }, useExisting: true };
}


/**
 * Per request: the request id (echoed as x-request-id) and `req.log`, a child logger carrying it.
 * At info and below, one line when the response ends (health checks excepted). This replaces
 * pino-http's middleware, which built two child loggers and serialised the request on every call
 * even when nothing would be logged: a few kB per gateway request that outlived the young
 * generation and made the old one grow by a hundred MB between major collections under load.
 */
export function requestLogging(logger: Logger): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const lineEnabled = logger.isLevelEnabled('info');
  return (req, res, next) => {
    const id = requestIdFor(req, res);
    const log = logger.child({ requestId: id });
    Object.assign(req, { id, log });
    if (lineEnabled && !(req.url ?? '').startsWith('/health')) {
      const started = performance.now();
      res.once('close', () => {
        const line = {
          req: { id, method: req.method, url: stripQuery((req as { originalUrl?: string }).originalUrl ?? req.url) },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
        };
        if (!res.writableFinished) log.warn(line, 'request aborted');
        else if (res.statusCode >= 500) log.error(line, 'request errored');
        else log.info(line, 'request completed');
      });
    }
    next();
  };
}

function stripQuery(url: string | undefined): string {
  if (!url) return '';
  const i = url.indexOf('?');
  return i === -1 ? url : url.slice(0, i);
}
