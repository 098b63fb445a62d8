import type { ContentPart, ProviderId, TextContentPart } from './adapter.types';
import { ProviderError } from './errors';

/** Text of a message's content; image parts contribute nothing. */
export function textOfContent(content: string | TextContentPart[] | ContentPart[] | null | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (p.type === 'text' ? p.text : '')).join('');
}

/** OpenAI tool-call arguments are a JSON string; Anthropic and Gemini want the object. */
export function parseToolArguments(args: string, provider: ProviderId): unknown {
  if (!args.trim()) return {};
  try {
    return JSON.parse(args) as unknown;
  } catch {
    throw new ProviderError({ code: 'bad_request', provider, message: 'Tool call arguments are not valid JSON.' });
  }
}

export const DATA_URL = /^data:([a-z]+\/[a-z0-9.+-]+);base64,(.+)$/is;
