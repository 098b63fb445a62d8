import type { ChatMessage } from '@tollgate/providers';

type Encoder = (text: string) => number[];
let encoder: Encoder | undefined;

/** The tokenizer is loaded on first use only (estimates are the rare path). */
function encode(text: string): number {
  if (!encoder) {
    encoder = (require('gpt-tokenizer') as { encode: Encoder }).encode;
  }
  return encoder(text).length;
}

export function estimateTextTokens(text: string): number {
  return text ? encode(text) : 0;
}

/** Prompt estimate: message text plus a small per-message overhead, as OpenAI's chat format counts. */
export function estimatePromptTokens(messages: ChatMessage[]): number {
  let n = 3;
  for (const m of messages) {
    n += 4;
    const c = (m as { content?: unknown }).content;
    if (typeof c === 'string') n += encode(c);
    else if (Array.isArray(c)) for (const p of c) if (p && typeof p === 'object' && (p as { type?: string }).type === 'text') n += encode(String((p as { text?: string }).text ?? ''));
    const calls = (m as { tool_calls?: Array<{ function: { name: string; arguments: string } }> }).tool_calls;
    if (calls) for (const tc of calls) n += encode(tc.function.name) + encode(tc.function.arguments);
  }
  return n;
}

/**
 * A cheap upper-side guess for admission and in-flight bookkeeping (no tokenizer on the hot path):
 * about four characters per token, plus the per-message overhead.
 */
export function quickPromptEstimate(messages: ChatMessage[]): number {
  let chars = 0;
  for (const m of messages) {
    const c = (m as { content?: unknown }).content;
    if (typeof c === 'string') chars += c.length;
    else if (Array.isArray(c)) for (const p of c) if (p && typeof p === 'object' && (p as { type?: string }).type === 'text') chars += String((p as { text?: string }).text ?? '').length;
    const calls = (m as { tool_calls?: Array<{ function: { name: string; arguments: string } }> }).tool_calls;
    if (calls) for (const tc of calls) chars += tc.function.name.length + tc.function.arguments.length;
  }
  return 3 + messages.length * 4 + Math.ceil(chars / 4);
}
