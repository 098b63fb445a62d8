import type { ChatMessage } from '@tollgate/providers';

type Encoder = (text: string) => number[];
let encoder: Encoder | undefined;

/** The tokenizer is loaded on first use (RequestLifecycle warms it at boot; estimates are the rare path). */
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
 * A cheap upper-side token guess for admission and in-flight bookkeeping (no tokenizer on the hot
 * path). ASCII runs about 4 characters per token in English prose but near 2.5 in indented code, so
 * 2 is used; alphabetic scripts (Latin extensions, Greek, Cyrillic) count half a token per UTF-16
 * unit, and everything else (CJK, emoji) a whole one. Erring high only makes a hard-budget
 * reservation larger until the request settles with the provider's own count.
 */
export function quickTextEstimate(text: string): number {
  let ascii = 0;
  let alphabetic = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x7f) ascii++;
    else if (c <= 0x52f) alphabetic++;
  }
  return Math.ceil(ascii / 2) + Math.ceil(alphabetic / 2) + (text.length - ascii - alphabetic);
}

/** quickTextEstimate over a chat prompt, plus the per-message overhead. */
export function quickPromptEstimate(messages: ChatMessage[]): number {
  let n = 3;
  for (const m of messages) {
    n += 4;
    const c = (m as { content?: unknown }).content;
    if (typeof c === 'string') n += quickTextEstimate(c);
    else if (Array.isArray(c)) for (const p of c) if (p && typeof p === 'object' && (p as { type?: string }).type === 'text') n += quickTextEstimate(String((p as { text?: string }).text ?? ''));
    const calls = (m as { tool_calls?: Array<{ function: { name: string; arguments: string } }> }).tool_calls;
    if (calls) for (const tc of calls) n += quickTextEstimate(tc.function.name) + quickTextEstimate(tc.function.arguments);
  }
  return n;
}
