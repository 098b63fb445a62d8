import { Body, Controller, Post, Res } from '@nestjs/common';
import { isProviderError, toOpenAIUsage, type ChatStreamEvent, type NormalizedUsage, type OpenAIChatCompletionChunk } from '@tollgate/providers';
import type { ServerResponse } from 'node:http';
import type { ApiKeyAuthContext } from '../auth/auth-context';
import { ApiKeyAuth, Auth } from '../auth/auth.decorators';
import { ApiError } from '../common/api-error';
import { ApiExceptionFilter } from '../common/api-exception.filter';
import { sendJson } from '../common/send-json';
import { AppConfig } from '../config/app-config';
import { BUDGET_DEFAULT_MAX_TOKENS } from '../usage/admission.service';
import { estimatePromptTokens, estimateTextTokens, quickPromptEstimate, quickTextEstimate } from './estimate';
import { TIMEOUT_ERROR } from './gateway-errors';
import { GatewayService, OpenedStream, usageOrZero } from './gateway.service';
import { RequestLifecycle } from './request-lifecycle';
import { validateChatBody, validateEmbeddingsBody } from './chat-request.validation';
import type { ValidatedChat } from './chat-request.validation';

/** The OpenAI-compatible surface: POST /v1/chat/completions (JSON or SSE) and POST /v1/embeddings. */
@Controller('v1')
@ApiKeyAuth()
export class ChatCompletionsController {
  private readonly errors = new ApiExceptionFilter();
  private readonly keepAliveMs: number;
  private readonly drainMs: number;
  private readonly limits: { maxMessages: number; maxTokensCap: number };

  constructor(
    private readonly gateway: GatewayService,
    private readonly lifecycle: RequestLifecycle,
    config: AppConfig,
  ) {
    this.keepAliveMs = config.get('GATEWAY_STREAM_KEEPALIVE_MS');
    this.drainMs = config.get('GATEWAY_ABORT_DRAIN_MS');
    this.limits = { maxMessages: config.get('GATEWAY_MAX_MESSAGES'), maxTokensCap: config.get('GATEWAY_MAX_TOKENS_CAP') };
  }

  @Post('chat/completions')
  async chat(@Auth() auth: ApiKeyAuthContext, @Body() body: unknown, @Res() res: ServerResponse): Promise<void> {
    const v = validateChatBody(body, this.limits);
    // Admission uses a cheap guess; the tokenizer runs only when a row must be estimated.
    const quick = quickPromptEstimate(v.request.messages);
    const promptEstimate = () => estimatePromptTokens(v.request.messages);
    const run = await this.lifecycle.begin(auth, res, { endpoint: 'chat', model: v.model, stream: v.stream, promptEstimate: quick, estimatePrompt: promptEstimate, maxTokens: v.maxTokens });
    // Under a hard budget the reservation assumed this many output tokens at most: hold the upstream to it.
    if (run.hardBudget && v.maxTokens === null) (v.request as { max_tokens?: number }).max_tokens = BUDGET_DEFAULT_MAX_TOKENS;
    try {
      if (!v.stream) {
        const result = await this.gateway.chat(run.scope, run.targets, v.request as unknown as Record<string, unknown>);
        const served = run.scope.served;
        const response = { ...result.response, model: served ? `${served.target.provider}/${result.response.model || served.target.model}` : v.model };
        sendJson(res, 200, response);
        const reported = result.usage.raw !== null && result.usage.raw !== undefined;
        await run.finish('success', reported ? result.usage : { ...result.usage, inputTokens: promptEstimate() }, null, !reported);
        return;
      }
      await this.stream(run, v, promptEstimate, res);
    } catch (err) {
      await run.fail(err);
      this.sendError(err, res);
    }
  }

  @Post('embeddings')
  async embeddings(@Auth() auth: ApiKeyAuthContext, @Body() body: unknown, @Res() res: ServerResponse): Promise<void> {
    const v = validateEmbeddingsBody(body);
    const text = typeof v.request.input === 'string' ? v.request.input : Array.isArray(v.request.input) && typeof v.request.input[0] === 'string' ? (v.request.input as string[]).join('\n') : '';
    const run = await this.lifecycle.begin(auth, res, { endpoint: 'embeddings', model: v.model, stream: false, promptEstimate: quickTextEstimate(text), estimatePrompt: () => estimateTextTokens(text), maxTokens: 0 });
    try {
      const result = await this.gateway.embeddings(run.scope, run.targets, v.request as unknown as Record<string, unknown>);
      const served = run.scope.served;
      sendJson(res, 200, { ...result.response, model: served ? `${served.target.provider}/${served.target.model}` : v.model });
      // Some embedding APIs (Gemini batch) report no usage: count the input ourselves and say so.
      const reported = result.usage.raw !== null && result.usage.raw !== undefined;
      const usage = reported ? result.usage : { ...result.usage, inputTokens: estimateTextTokens(text) };
      await run.finish('success', usage, null, !reported);
    } catch (err) {
      await run.fail(err);
      this.sendError(err, res);
    }
  }

  private async stream(run: Awaited<ReturnType<RequestLifecycle['begin']>>, v: ValidatedChat, promptEstimate: () => number, res: ServerResponse): Promise<void> {
    const { scope } = run;
    let keepAlive: NodeJS.Timeout | undefined;
    // flush: send the headers now (keep-alive); otherwise they ride the first event's write (one packet).
    const commit = (flush: boolean) => {
      if (scope.committed) return;
      scope.committed = true;
      res.statusCode = 200;
      res.setHeader('content-type', 'text/event-stream; charset=utf-8');
      res.setHeader('cache-control', 'no-cache, no-transform');
      res.setHeader('connection', 'keep-alive');
      res.setHeader('x-accel-buffering', 'no');
      if (flush) res.flushHeaders();
    };
    // One timer, pushed back with refresh() on every event instead of re-created.
    const armKeepAlive = () => {
      if (keepAlive) {
        keepAlive.refresh();
        return;
      }
      keepAlive = setTimeout(() => {
        commit(true);
        if (!res.writableEnded) res.write(': keep-alive\n\n');
        keepAlive?.refresh();
      }, this.keepAliveMs);
    };
    const stopKeepAlive = () => {
      clearTimeout(keepAlive);
      keepAlive = undefined;
    };
    armKeepAlive();
    let opened: OpenedStream;
    try {
      opened = await this.gateway.openStream(scope, run.targets, v.request as unknown as Record<string, unknown>);
    } finally {
      stopKeepAlive();
    }
    commit(false);
    scope.firstByteAt = performance.now();
    const served = scope.served;
    const modelName = served ? `${served.target.provider}/${served.target.model}` : v.model;
    let usage: NormalizedUsage | undefined;
    let streamedText = '';
    let lastChunk: OpenAIChatCompletionChunk | undefined;
    // Node's http response corks its socket from the first write of a tick to the next: the events
    // parsed from one upstream read, handed over here within one drain of the microtask queue, leave
    // in one write (stream-writes.int-spec.ts). Nothing in this loop may wait for a later tick per event.
    const write = (chunk: OpenAIChatCompletionChunk) => {
      for (const c of chunk.choices) {
        if (c.delta.content) streamedText += c.delta.content;
        for (const tc of c.delta.tool_calls ?? []) streamedText += (tc.function?.name ?? '') + (tc.function?.arguments ?? '');
      }
      lastChunk = chunk;
      if (!run.clientGone()) res.write(`data: ${JSON.stringify({ ...chunk, model: modelName })}\n\n`);
    };
    const handle = (e: ChatStreamEvent) => (e.type === 'chunk' ? write(e.chunk) : (usage = e.usage));
    let status: 'success' | 'client_abort' | 'upstream_error' = 'success';
    let errorCode: string | null = null;
    armKeepAlive();
    try {
      handle(opened.first);
      for (;;) {
        const next = run.clientGone() ? await run.drain(opened.rest.next(), this.drainMs) : await opened.rest.next();
        if (next === 'timeout') break;
        armKeepAlive();
        if (next.done) break;
        handle(next.value);
      }
      if (run.clientGone()) status = 'client_abort';
    } catch (err) {
      status = run.clientGone() ? 'client_abort' : 'upstream_error';
      // A started stream is held to the request's deadline alone: the deadline timer and the call's own
      // total clock (set to what was left of it) end it at the same moment, whichever fires first.
      const timedOut = scope.timedOut || (isProviderError(err) && err.detail === 'total_timeout');
      errorCode = timedOut ? 'upstream_timeout' : ((err as { code?: string }).code ?? 'stream_error');
      const partial = (err as { usage?: NormalizedUsage }).usage;
      if (partial && partial.raw !== null) usage = partial;
      if (!run.clientGone()) {
        const body = timedOut
          ? TIMEOUT_ERROR().getResponse()
          : err instanceof ApiError
            ? err.getResponse()
            : { error: { message: 'The provider stream broke off', type: 'api_error', code: 'upstream_error' } };
        res.write(`data: ${JSON.stringify(body)}\n\n`);
      }
    } finally {
      stopKeepAlive();
    }
    if (!run.clientGone()) {
      if (v.includeUsage && usage) {
        const base = lastChunk ?? { id: `chatcmpl-${scope.requestId}`, object: 'chat.completion.chunk' as const, created: Math.floor(Date.now() / 1000) };
        res.write(`data: ${JSON.stringify({ id: base.id, object: 'chat.completion.chunk', created: base.created, model: modelName, choices: [], usage: toOpenAIUsage(usage) })}\n\n`);
      }
      if (status === 'success') res.write('data: [DONE]\n\n');
      res.end();
    }
    const estimated = !usage;
    const final = usage ?? { ...usageOrZero(undefined), inputTokens: promptEstimate(), outputTokens: estimateTextTokens(streamedText) };
    await run.finish(status, final, errorCode, estimated);
  }

  private sendError(err: unknown, res: ServerResponse): void {
    if (res.writableEnded) return;
    if (res.headersSent) {
      const body = err instanceof ApiError ? err.getResponse() : { error: { message: 'Internal server error', type: 'api_error', code: 'internal_error' } };
      res.write(`data: ${JSON.stringify(body)}\n\n`);
      res.end();
      return;
    }
    const { status, body, headers } = this.errors.render(err);
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    sendJson(res, status === 499 ? 502 : status, body);
  }
}
