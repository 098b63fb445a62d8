/**
 * Fault / behaviour knobs of the fake upstream. Set per server (startFakeUpstream({ mode }) or
 * server.setMode()), per request with the header `x-fake-mode: fault=drop; after=2`, or per request
 * through the model name: `gpt-4o-mini~fault=429,retry-after=3` (works through the gateway, which
 * forwards the model but not headers). Precedence: header > model suffix > server mode.
 */
export interface FakeMode {
  /**
   * - `none` (default)
   * - `status`: answer with `status` (default 500) in the provider's error format
   * - `hang`: accept the request, never send headers
   * - `stall`: send headers and `after` stream chunks (non-stream: headers only), then go silent
   * - `drop`: stream `after` chunks then destroy the socket (non-stream: destroy before the body)
   * - `reset`: destroy the socket before any byte (a connection drop before the response)
   * - `malformed`: stream `after` chunks, then a corrupt `data:` line, then end
   * - `error-event`: stream `after` chunks, then the provider's in-stream error event
   * - `redirect`: 307 to `location` (default `/redirected`)
   */
  fault?: 'none' | 'status' | 'hang' | 'stall' | 'drop' | 'reset' | 'malformed' | 'error-event' | 'redirect';
  /** HTTP status for fault=status. `fault=429` is shorthand for fault=status,status=429. */
  status?: number;
  /** Seconds, sent as `retry-after` (and Gemini RetryInfo) with 429/503. Default 1 for 429. */
  retryAfter?: number;
  /** ms before the response headers. */
  latency?: number;
  /** Number of content chunks a text answer is split into (default 3). */
  chunks?: number;
  /** ms between stream chunks (default 0). */
  delay?: number;
  /** Chunks sent before a mid-stream fault (default 1). */
  after?: number;
  /** Prompt tokens reported as cache reads. */
  cached?: number;
  /** Prompt tokens reported as cache writes (Anthropic, OpenAI). */
  cacheWrite?: number;
  /** Reasoning tokens added to the output. */
  reasoning?: number;
  /** Redirect target for fault=redirect. */
  location?: string;
}

export type FakeWire = 'openai' | 'anthropic' | 'gemini' | 'azure';

/** Flavours of the OpenAI dialect, selected by a path prefix (`/mistral/v1/...`). */
export type FakeFlavor = 'openai' | 'mistral' | 'groq' | 'deepseek' | 'xai' | 'openrouter' | 'together' | 'fireworks' | 'ollama' | 'vllm';

/** Ground truth for metering tests: what the fake actually served for one request id. */
export interface FakeServedUsage {
  wire: FakeWire;
  flavor?: FakeFlavor;
  model: string;
  stream: boolean;
  /** false when a fault cut the answer short; outputTokens then counts only what was written. */
  completed: boolean;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

export interface FakeRecordedRequest {
  method: string;
  /** Path including the query string. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, undefined when empty or not JSON. */
  body: unknown;
  rawBody: string;
}

export interface FakeUpstreamOptions {
  port?: number;
  host?: string;
  mode?: FakeMode;
}

export interface FakeUpstream {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly served: Map<string, FakeServedUsage>;
  readonly requests: FakeRecordedRequest[];
  setMode(mode: FakeMode): void;
  close(): Promise<void>;
}
