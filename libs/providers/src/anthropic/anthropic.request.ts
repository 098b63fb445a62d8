import type { ChatMessage, ChatRequest, ContentPart, ToolChoice } from '../core/adapter.types';
import { ProviderError } from '../core/errors';
import { DATA_URL, parseToolArguments, textOfContent } from '../core/messages';
import {
  ANTHROPIC_DEFAULT_MAX_TOKENS,
  type AnthropicContentBlock,
  type AnthropicMessage,
  type AnthropicRequestBody,
  type AnthropicToolChoice,
} from './anthropic.types';

function badRequest(message: string): ProviderError {
  return new ProviderError({ code: 'bad_request', provider: 'anthropic', message });
}

function toBlocks(content: string | ContentPart[]): AnthropicContentBlock[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  const out: AnthropicContentBlock[] = [];
  for (const part of content) {
    if (part.type === 'text') {
      if (part.text) out.push({ type: 'text', text: part.text });
    } else if (part.type === 'image_url') {
      const m = DATA_URL.exec(part.image_url.url);
      const [, mediaType, data] = m ?? [];
      out.push(
        mediaType && data
          ? { type: 'image', source: { type: 'base64', media_type: mediaType.toLowerCase(), data } }
          : { type: 'image', source: { type: 'url', url: part.image_url.url } },
      );
    }
  }
  return out;
}

function toAnthropicMessage(m: Exclude<ChatMessage, { role: 'system' | 'developer' }>): AnthropicMessage | null {
  switch (m.role) {
    case 'user': {
      const content = toBlocks(m.content);
      return content.length ? { role: 'user', content } : null;
    }
    case 'assistant': {
      const content: AnthropicContentBlock[] = [];
      const text = textOfContent(m.content);
      if (text) content.push({ type: 'text', text });
      for (const tc of m.tool_calls ?? []) {
        const input = parseToolArguments(tc.function.arguments, 'anthropic');
        content.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input: input ?? {} });
      }
      return content.length ? { role: 'assistant', content } : null;
    }
    case 'tool':
      return {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: m.tool_call_id, content: textOfContent(m.content) }],
      };
  }
}

function toAnthropicToolChoice(choice: ToolChoice | undefined, parallel: boolean | undefined): AnthropicToolChoice | undefined {
  const noParallel = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return parallel === false ? { type: 'auto', disable_parallel_tool_use: true } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...noParallel };
  if (choice === 'required') return { type: 'any', ...noParallel };
  return { type: 'tool', name: choice.function.name, ...noParallel };
}

/**
 * OpenAI chat request → Anthropic Messages (providers.md §7). System/developer messages are joined
 * into `system`; tool results become user `tool_result` blocks; consecutive same-role turns are
 * merged (tool results first, as Anthropic expects); max_tokens defaults to 4096; temperature is
 * clamped to Anthropic's 0..1; JSON modes become a system instruction (no native switch).
 */
export function toAnthropicRequest(req: ChatRequest, opts: { stream: boolean }): AnthropicRequestBody {
  if (req.n !== undefined && req.n !== null && req.n > 1) throw badRequest('n > 1 is not supported by this provider.');
  const system: string[] = [];
  const messages: AnthropicMessage[] = [];
  for (const m of req.messages) {
    if (m.role === 'system' || m.role === 'developer') {
      const t = textOfContent(m.content);
      if (t) system.push(t);
      continue;
    }
    const am = toAnthropicMessage(m as Exclude<ChatMessage, { role: 'system' | 'developer' }>);
    if (!am) continue;
    const last = messages[messages.length - 1];
    if (last && last.role === am.role) last.content.push(...am.content);
    else messages.push(am);
  }
  for (const m of messages) {
    // tool_result blocks must come before any other content of the user turn
    if (m.role === 'user') m.content.sort((a, b) => Number(b.type === 'tool_result') - Number(a.type === 'tool_result'));
  }
  const rf = req.response_format;
  if (rf?.type === 'json_object') system.push('Respond with a single valid JSON object and nothing else.');
  if (rf?.type === 'json_schema') {
    system.push(
      `Respond with a single valid JSON value and nothing else, matching this JSON Schema: ${JSON.stringify(rf.json_schema.schema ?? {})}`,
    );
  }

  const body: AnthropicRequestBody = {
    model: req.model,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages,
  };
  if (system.length) body.system = system.join('\n\n');
  if (req.stop !== undefined && req.stop !== null) body.stop_sequences = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (typeof req.temperature === 'number') body.temperature = Math.min(Math.max(req.temperature, 0), 1);
  if (typeof req.top_p === 'number') body.top_p = req.top_p;
  if (req.tools?.length) {
    body.tools = req.tools.map((t) => ({
      name: t.function.name,
      ...(t.function.description ? { description: t.function.description } : {}),
      input_schema: t.function.parameters ?? { type: 'object', properties: {} },
    }));
  }
  const choice = req.tools?.length ? toAnthropicToolChoice(req.tool_choice, req.parallel_tool_calls) : undefined;
  if (choice) body.tool_choice = choice;
  if (req.user) body.metadata = { user_id: req.user };
  if (opts.stream) body.stream = true;
  return body;
}
