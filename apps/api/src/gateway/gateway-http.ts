import type { INestApplication } from '@nestjs/common';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import type { ApiKeyAuthContext } from '../auth/auth-context';
import { ApiKeyStrategy } from '../auth/api-key.strategy';
import { ApiExceptionFilter } from '../common/api-exception.filter';
import { ChatCompletionsController } from './chat-completions.controller';

type GatewayRoute = 'chat' | 'embeddings';

/** Only these reach the gateway's own entry; every other request takes Express and Nest as before. */
const ROUTES: Record<string, GatewayRoute> = { '/v1/chat/completions': 'chat', '/v1/embeddings': 'embeddings' };
/** `application/json`, with no parameter or a UTF-8 charset: what body-parser decodes the same way. */
const PLAIN_JSON = /^application\/json[ \t]*(;[ \t]*charset[ \t]*=[ \t]*("utf-8"|utf-8)[ \t]*)?$/i;
const FIRST_NON_WHITESPACE = /^[ \t\n\r]*([^ \t\n\r]|$)/; // JSON's whitespace (RFC 8259)
const ABORTED = 'request.aborted';

/** An error shaped like body-parser's, so ApiExceptionFilter renders it exactly as on the Express path. */
function bodyError(status: number, type: string): Error {
  return Object.assign(new Error(type), { status, statusCode: status, type, expose: true });
}

/**
 * Reads a JSON body the way Express' json parser does for the requests taken here (strict: an object
 * or an array; an empty body is `{}`; a UTF-8 BOM is dropped). Past `limitBytes` the rest of the body
 * is read off and dropped before the 413, as body-parser does, so the connection stays usable.
 * Not body-parser itself: called from here it cost ~0.2 ms more API CPU per request (1.77–1.82 against
 * 1.56–1.59 ms in alternating bench runs), for content-type, charset and decoder work this entry's
 * gate has already settled.
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    function fail(err: Error): void {
      chunks.length = 0;
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.resume();
      if (req.complete) reject(err);
      else req.once('end', () => reject(err));
    }
    function onData(chunk: Buffer): void {
      size += chunk.length;
      if (size > limitBytes) fail(bodyError(413, 'entity.too.large'));
      else chunks.push(chunk);
    }
    function onEnd(): void {
      let text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.length === 0) return resolve({});
      const first = text[0] === '{' || text[0] === '[' ? text[0] : FIRST_NON_WHITESPACE.exec(text)?.[1];
      if (first !== '{' && first !== '[') return reject(bodyError(400, 'entity.parse.failed'));
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(bodyError(400, 'entity.parse.failed'));
      }
    }
    // A client that leaves mid-body gets no answer (its socket is gone), and nothing is left waiting.
    req.once('error', () => undefined);
    req.once('close', () => {
      if (!req.complete) reject(bodyError(400, ABORTED));
    });
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limitBytes) return fail(bodyError(413, 'entity.too.large'));
    req.on('data', onData);
    req.once('end', onEnd);
  });
}

export interface GatewayHttpOptions {
  limitBytes: number;
  /**
   * With CORS_ORIGINS set, the cors middleware adds these to every response, Origin or not: `Vary: Origin`
   * and `Access-Control-Expose-Headers`. Null when CORS is off (it then adds nothing).
   */
  corsExposedHeaders: string | null;
  /** The per-request middleware installed ahead of Express (request id, req.log, the log line). */
  requestLogging: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
}

/**
 * The gateway's own HTTP entry, ahead of Express. POST /v1/chat/completions and /v1/embeddings carry
 * nearly all traffic, and on them Express' router, body parser and middleware chain plus Nest's route
 * pipeline cost a quarter to a third of the API's CPU per request (the bench with GATEWAY_HTTP_ENTRY on and
 * off, bench/README.md). For exactly those
 * requests, when they are plain JSON from a non-browser client, this entry runs the same steps the
 * Nest route runs, with the same code: the request-logging middleware, a body read with the same
 * rules and limit, ApiKeyStrategy's one decision, the same controller method, and
 * ApiExceptionFilter for anything thrown. Everything else, and any request it does not take (an
 * Origin header, which needs CORS; another content type or encoding; a query string; a trailing
 * slash), goes to Express unchanged. test: gateway-http.int-spec.ts compares both paths.
 */
export class GatewayHttp {
  private static readonly installed = new WeakMap<INestApplication, GatewayHttp>();
  private readonly errors = new ApiExceptionFilter();
  /** Requests this entry took, by route (the rest went to Express). */
  readonly taken: Record<GatewayRoute, number> = { chat: 0, embeddings: 0 };

  constructor(
    private readonly controller: ChatCompletionsController,
    private readonly apiKeys: ApiKeyStrategy,
    private readonly logContext: PinoLogger,
    private readonly opts: GatewayHttpOptions,
  ) {}

  /** Puts the entry in front of Nest's Express listener on the app's HTTP server. */
  static async install(app: INestApplication, opts: GatewayHttpOptions): Promise<GatewayHttp> {
    const entry = new GatewayHttp(app.get(ChatCompletionsController), app.get(ApiKeyStrategy), await app.resolve(PinoLogger), opts);
    const server = app.getHttpServer() as Server;
    const express = app.getHttpAdapter().getInstance() as RequestListener;
    server.removeListener('request', express);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!entry.handle(req, res)) express(req, res);
    });
    GatewayHttp.installed.set(app, entry);
    return entry;
  }

  /** The entry installed on an app, if any. */
  static of(app: INestApplication): GatewayHttp | undefined {
    return GatewayHttp.installed.get(app);
  }

  /** Whether this entry took the request. Never throws: that would take the process down from the HTTP parser. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    try {
      return this.take(req, res);
    } catch (err) {
      this.reply(err, res);
      return true;
    }
  }

  private take(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST') return false;
    const route = ROUTES[req.url ?? ''];
    if (!route) return false;
    const h = req.headers;
    if (h.origin !== undefined || h['content-encoding'] !== undefined) return false;
    if (h['content-length'] === undefined && h['transfer-encoding'] === undefined) return false;
    if (typeof h['content-type'] !== 'string' || !PLAIN_JSON.test(h['content-type'])) return false;
    this.taken[route]++;
    this.opts.requestLogging(req, res, () => undefined);
    // Service log lines inside the request carry its id, as nestjs-pino's middleware arranges on the Nest path.
    void this.logContext.runInContext(() => this.run(route, req, res), { bindings: { requestId: (req as { id?: string }).id } });
    return true;
  }

  private async run(route: GatewayRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readJsonBody(req, this.opts.limitBytes);
      // Express runs the body parser before the cors middleware: a body error carries no CORS headers there either.
      if (this.opts.corsExposedHeaders !== null) {
        res.setHeader('Vary', 'Origin');
        res.setHeader('Access-Control-Expose-Headers', this.opts.corsExposedHeaders);
      }
      const auth: ApiKeyAuthContext = await this.apiKeys.authenticateRequest(req);
      if (route === 'chat') await this.controller.chat(auth, body, res);
      else await this.controller.embeddings(auth, body, res);
    } catch (err) {
      if ((err as { type?: unknown }).type === ABORTED) return; // the client left mid-body
      this.reply(err, res);
    }
  }

  private reply(err: unknown, res: ServerResponse): void {
    try {
      this.errors.send(err, res);
    } catch {
      res.destroy();
    }
  }
}
