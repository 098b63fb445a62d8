import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
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

/** pino settings for both processes: JSON lines, request id on each, secrets redacted. */
export function loggerParams(config: AppConfig, processName: 'api' | 'worker'): Params {
  return {
    pinoHttp: {
      level: config.get('LOG_LEVEL'),
      base: { process: processName, pid: process.pid },
      genReqId: (req, res) => requestIdFor(req, res),
      customAttributeKeys: { reqId: 'requestId' },
      quietReqLogger: true,
      // One line per request at info and below; nothing to compute on the hot path when quieter.
      autoLogging: ['info', 'debug', 'trace'].includes(config.get('LOG_LEVEL')) ? { ignore: (req) => (req.url ?? '').startsWith('/health') } : false,
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        censor: '[REDACTED]',
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: stripQuery(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      formatters: {
        log: (obj: Record<string, unknown>) => redactDeep(obj) as Record<string, unknown>,
      },
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
    },
  };
}

function stripQuery(url: string | undefined): string {
  if (!url) return '';
  const i = url.indexOf('?');
  return i === -1 ? url : url.slice(0, i);
}
