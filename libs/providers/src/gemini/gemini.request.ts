import type { ChatMessage, ChatRequest, EmbeddingsRequest, ToolChoice } from '../core/adapter.types';
import { ProviderError } from '../core/errors';
import { DATA_URL, parseToolArguments, textOfContent } from '../core/messages';
import type { GeminiContent, GeminiPart, GeminiRequestBody } from './gemini.types';

const SIGNATURE_MARK = '_ts_';

function badRequest(message: string): ProviderError {
  return new ProviderError({ code: 'bad_request', provider: 'gemini', message });
}

/**
 * Gemini 3 requires the opaque thoughtSignature of a functionCall part to be replayed with the
 * history. We carry it inside the OpenAI tool-call id, base64url-encoding the signature string
 * itself (lossless for any text; ids stay `[A-Za-z0-9_-]`, which Anthropic also accepts).
 */
export function encodeGeminiToolCallId(base: string, signature: string | undefined): string {
  if (!signature) return base;
  return `${base}${SIGNATURE_MARK}${Buffer.from(signature, 'utf8').toString('base64url')}`;
}

export function decodeGeminiToolCallId(id: string): { signature?: string } {
  const at = id.indexOf(SIGNATURE_MARK);
  if (at === -1) return {};
  const signature = Buffer.from(id.slice(at + SIGNATURE_MARK.length), 'base64url').toString('utf8');
  return signature ? { signature } : {};
}

function imagePart(url: string): GeminiPart {
  const [, mimeType, data] = DATA_URL.exec(url) ?? [];
  if (mimeType && data) return { inlineData: { mimeType: mimeType.toLowerCase(), data } };
  const ext = /\.(png|jpe?g|webp|gif|heic)(?:$|\?)/i.exec(url)?.[1]?.toLowerCase();
  const fileMime = ext === 'png' ? 'image/png' : ext === 'webp' ? 'image/webp' : ext === 'gif' ? 'image/gif' : ext === 'heic' ? 'image/heic' : 'image/jpeg';
  return { fileData: { mimeType: fileMime, fileUri: url } };
}

function toolResponse(content: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(content);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    return { output: v };
  } catch {
    return { output: content };
  }
}

function toolChoiceConfig(choice: ToolChoice | undefined): GeminiRequestBody['toolConfig'] | undefined {
  if (choice === undefined || choice === 'auto') return undefined;
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
}

/**
 * OpenAI chat request → Gemini generateContent (providers.md §4, §7). Tool results are matched to
 * their function name through the assistant tool_calls earlier in the history; JSON modes use
 * responseMimeType / responseJsonSchema; tool parameters go in parametersJsonSchema (full JSON
 * Schema, no keyword stripping needed).
 */
export function toGeminiRequest(req: ChatRequest): GeminiRequestBody {
  const system: string[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  const push = (role: GeminiContent['role'], parts: GeminiPart[]): void => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  for (const m of req.messages as ChatMessage[]) {
    switch (m.role) {
      case 'system':
      case 'developer': {
        const t = textOfContent(m.content);
        if (t) system.push(t);
        break;
      }
      case 'user': {
        const parts: GeminiPart[] =
          typeof m.content === 'string'
            ? m.content
              ? [{ text: m.content }]
              : []
            : m.content.flatMap((p): GeminiPart[] =>
                p.type === 'text' ? (p.text ? [{ text: p.text }] : []) : [imagePart(p.image_url.url)],
              );
        push('user', parts);
        break;
      }
      case 'assistant': {
        const parts: GeminiPart[] = [];
        const text = textOfContent(m.content);
        if (text) parts.push({ text });
        for (const tc of m.tool_calls ?? []) {
          toolNames.set(tc.id, tc.function.name);
          const args = parseToolArguments(tc.function.arguments, 'gemini');
          const part: GeminiPart = {
            functionCall: { name: tc.function.name, args: (args && typeof args === 'object' ? args : {}) as Record<string, unknown> },
          };
          const { signature } = decodeGeminiToolCallId(tc.id);
          if (signature) part.thoughtSignature = signature;
          parts.push(part);
        }
        push('model', parts);
        break;
      }
      case 'tool': {
        const name = toolNames.get(m.tool_call_id);
        if (!name) throw badRequest('A tool message refers to an unknown tool_call_id.');
        push('user', [{ functionResponse: { name, response: toolResponse(textOfContent(m.content)) } }]);
        break;
      }
    }
  }
  const body: GeminiRequestBody = { contents };
  if (system.length) body.systemInstruction = { parts: [{ text: system.join('\n\n') }] };
  const gc: NonNullable<GeminiRequestBody['generationConfig']> = {};
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (typeof max === 'number') gc.maxOutputTokens = max;
  if (typeof req.temperature === 'number') gc.temperature = req.temperature;
  if (typeof req.top_p === 'number') gc.topP = req.top_p;
  if (req.stop !== undefined && req.stop !== null) gc.stopSequences = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (typeof req.seed === 'number') gc.seed = req.seed;
  if (typeof req.n === 'number' && req.n > 1) gc.candidateCount = req.n;
  if (typeof req.presence_penalty === 'number') gc.presencePenalty = req.presence_penalty;
  if (typeof req.frequency_penalty === 'number') gc.frequencyPenalty = req.frequency_penalty;
  if (req.response_format?.type === 'json_object') gc.responseMimeType = 'application/json';
  if (req.response_format?.type === 'json_schema') {
    gc.responseMimeType = 'application/json';
    if (req.response_format.json_schema.schema) gc.responseJsonSchema = req.response_format.json_schema.schema;
  }
  if (Object.keys(gc).length) body.generationConfig = gc;
  if (req.tools?.length) {
    body.tools = [
      {
        functionDeclarations: req.tools.map((t) => ({
          name: t.function.name,
          ...(t.function.description ? { description: t.function.description } : {}),
          ...(t.function.parameters ? { parametersJsonSchema: t.function.parameters } : {}),
        })),
      },
    ];
    const tc = toolChoiceConfig(req.tool_choice);
    if (tc) body.toolConfig = tc;
  }
  return body;
}

export function geminiModelPath(model: string): string {
  return encodeURIComponent(model.replace(/^models\//, ''));
}

export function toGeminiEmbeddingsRequest(req: EmbeddingsRequest): Record<string, unknown> {
  const inputs = typeof req.input === 'string' ? [req.input] : req.input;
  if (!inputs.every((i): i is string => typeof i === 'string')) throw badRequest('Token-array embeddings input is not supported.');
  const model = `models/${req.model.replace(/^models\//, '')}`;
  return {
    requests: inputs.map((text) => ({
      model,
      content: { parts: [{ text }] },
      ...(req.dimensions !== undefined ? { outputDimensionality: req.dimensions } : {}),
    })),
  };
}
