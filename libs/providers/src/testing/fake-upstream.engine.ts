import type { FakeMode } from './fake-upstream.types';

/** A provider-neutral view of the incoming conversation. */
export interface FakeTurn {
  role: 'system' | 'user' | 'assistant' | 'tool';
  text: string;
  toolCalls?: Array<{ name: string; args: unknown }>;
}
export interface FakeTool {
  name: string;
  parameters?: Record<string, unknown>;
}
export interface FakeConversation {
  model: string;
  turns: FakeTurn[];
  tools: FakeTool[];
  /** 'auto' | 'none' | 'required' | a function name */
  toolChoice: string;
  json: boolean;
  maxTokens?: number;
}

export interface FakeToolCall {
  name: string;
  args: Record<string, unknown>;
  argsJson: string;
}

export interface FakeAnswer {
  /** Text pieces in stream order (joined = the full text); empty for tool calls. */
  pieces: string[];
  toolCalls: FakeToolCall[];
  finish: 'stop' | 'length' | 'tool_calls';
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  /** Visible output tokens (excluding reasoning). */
  visibleOutputTokens: number;
  reasoningTokens: number;
}

/** The fake's tokenizer: whitespace-separated words. Deterministic and easy to predict in tests. */
export function countFakeTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function promptTokens(conv: FakeConversation): number {
  let n = 0;
  for (const t of conv.turns) {
    n += 3 + countFakeTokens(t.text);
    for (const c of t.toolCalls ?? []) n += 1 + countFakeTokens(JSON.stringify(c.args ?? {}));
  }
  for (const tool of conv.tools) n += 2 + countFakeTokens(JSON.stringify(tool.parameters ?? {}));
  return n;
}

function argsFor(tool: FakeTool, userText: string): Record<string, unknown> {
  const props = (tool.parameters?.['properties'] ?? {}) as Record<string, { type?: string }>;
  const args: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(props)) {
    const t = schema?.type;
    args[name] = t === 'number' || t === 'integer' ? 1 : t === 'boolean' ? true : t === 'array' ? [] : t === 'object' ? {} : userText;
  }
  return args;
}

function splitPieces(words: string[], chunks: number): string[] {
  if (words.length === 0) return [''];
  const n = Math.max(1, Math.min(chunks, words.length));
  const size = Math.ceil(words.length / n);
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += size) {
    pieces.push((i === 0 ? '' : ' ') + words.slice(i, i + size).join(' '));
  }
  return pieces;
}

/**
 * Deterministic answer: a tool call when tools are offered and the last turn is the user's (unless
 * tool_choice is none); after a tool result, a text acknowledging it; otherwise an echo of the last
 * user message (JSON object in JSON mode). max tokens truncate the text with finish `length`.
 */
export function answerFakeConversation(conv: FakeConversation, mode: FakeMode): FakeAnswer {
  const last = conv.turns[conv.turns.length - 1];
  const lastUser = [...conv.turns].reverse().find((t) => t.role === 'user')?.text.trim() ?? '';
  const input = promptTokens(conv);
  const cached = Math.min(mode.cached ?? 0, input);
  const cacheWrite = Math.min(mode.cacheWrite ?? 0, input - cached);
  const reasoning = mode.reasoning ?? 0;
  const base = { inputTokens: input, cachedInputTokens: cached, cacheWriteTokens: cacheWrite, reasoningTokens: reasoning };

  if (conv.tools.length > 0 && last?.role === 'user' && conv.toolChoice !== 'none') {
    const tool = conv.tools.find((t) => t.name === conv.toolChoice) ?? conv.tools[0] ?? { name: 'tool' };
    const args = argsFor(tool, lastUser);
    const argsJson = JSON.stringify(args);
    return {
      ...base,
      pieces: [],
      toolCalls: [{ name: tool.name, args, argsJson }],
      finish: 'tool_calls',
      visibleOutputTokens: 1 + countFakeTokens(argsJson),
    };
  }

  let text: string;
  if (last?.role === 'tool') text = `Tool result received: ${last.text}`;
  else if (conv.json) text = JSON.stringify({ echo: lastUser, words: countFakeTokens(lastUser) });
  else text = lastUser ? `Echo: ${lastUser}` : 'Hello from the fake upstream.';
  let words = text.split(/\s+/).filter(Boolean);
  let finish: FakeAnswer['finish'] = 'stop';
  if (conv.maxTokens !== undefined && conv.maxTokens >= 0 && words.length > conv.maxTokens) {
    words = words.slice(0, conv.maxTokens);
    finish = 'length';
  }
  return {
    ...base,
    pieces: splitPieces(words, mode.chunks ?? 3),
    toolCalls: [],
    finish,
    visibleOutputTokens: words.length,
  };
}
