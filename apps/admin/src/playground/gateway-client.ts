import { apiUrl } from '../providers/http-client';
import { readSseData } from './sse';

/** The playground talks to the public gateway with an API key, exactly as a customer's app would. */

export interface GatewayModel {
  id: string;
  object: 'model';
  owned_by?: string;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  cachedPromptTokens: number;
  reasoningTokens: number;
}

export interface ChatResult {
  text: string;
  usage: ChatUsage | null;
  /** Milliseconds from sending to the first content token; null when no content came. */
  ttftMs: number | null;
  totalMs: number;
  finishReason: string | null;
}

export class GatewayError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

interface OpenAIErrorBody {
  error?: { message?: string; type?: string; code?: string | number | null };
}

interface ChunkUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
}

interface ChatChunk extends OpenAIErrorBody {
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: ChunkUsage | null;
}

async function gatewayError(res: Response): Promise<GatewayError> {
  let body: OpenAIErrorBody | undefined;
  try {
    body = (await res.json()) as OpenAIErrorBody;
  } catch {
    body = undefined;
  }
  const fallback = res.status === 401 ? 'The API key was refused (revoked, expired or mistyped)' : `The gateway answered ${res.status}`;
  return new GatewayError(body?.error?.message ?? fallback, res.status, body?.error?.code ? String(body.error.code) : undefined);
}

function headers(apiKey: string): HeadersInit {
  return { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json', Accept: 'application/json' };
}

export async function listModels(apiKey: string, signal?: AbortSignal): Promise<GatewayModel[]> {
  const res = await fetch(`${apiUrl}/v1/models`, { headers: headers(apiKey), signal });
  if (!res.ok) throw await gatewayError(res);
  const body = (await res.json()) as { data?: GatewayModel[] };
  return [...(body.data ?? [])].sort((a, b) => a.id.localeCompare(b.id));
}

function toUsage(u: ChunkUsage): ChatUsage {
  return {
    promptTokens: u.prompt_tokens ?? 0,
    completionTokens: u.completion_tokens ?? 0,
    cachedPromptTokens: u.prompt_tokens_details?.cached_tokens ?? 0,
    reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

export interface StreamChatParams {
  apiKey: string;
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  onDelta: (text: string) => void;
}

/**
 * POST /v1/chat/completions with stream + include_usage and reads the SSE chunks as they arrive. The last
 * chunk before [DONE] carries the usage. An error event inside the stream becomes a GatewayError.
 */
export async function streamChat({ apiKey, model, messages, temperature, maxTokens, signal, onDelta }: StreamChatParams): Promise<ChatResult> {
  const started = performance.now();
  const res = await fetch(`${apiUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...headers(apiKey), Accept: 'text/event-stream' },
    body: JSON.stringify({
      model,
      messages,
      stream: true,
      stream_options: { include_usage: true },
      ...(temperature !== undefined ? { temperature } : {}),
      ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
    }),
    signal,
  });
  if (!res.ok || !res.body) throw await gatewayError(res);

  let text = '';
  let ttftMs: number | null = null;
  let usage: ChatUsage | null = null;
  let finishReason: string | null = null;
  for await (const data of readSseData(res.body)) {
    if (data.trim() === '[DONE]') break;
    let chunk: ChatChunk;
    try {
      chunk = JSON.parse(data) as ChatChunk;
    } catch {
      continue;
    }
    if (chunk.error) throw new GatewayError(chunk.error.message ?? 'The provider failed mid-stream', 502, chunk.error.code ? String(chunk.error.code) : undefined);
    const choice = chunk.choices?.[0];
    const delta = choice?.delta?.content;
    if (delta) {
      if (ttftMs === null) ttftMs = performance.now() - started;
      text += delta;
      onDelta(delta);
    }
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (chunk.usage) usage = toUsage(chunk.usage);
  }
  return { text, usage, ttftMs, totalMs: performance.now() - started, finishReason };
}
