import type { CallContext } from '../core/adapter.types';
import { translateSseText } from '../testing/stream-harness';
import { mapAzureOpenAIError } from './azure-openai.errors';
import { azureOpenAIUrl, isAzureV1, toAzureOpenAIRequest } from './azure-openai.request';
import { fromAzureOpenAIResponse } from './azure-openai.response';
import { createAzureOpenAIStreamTranslator } from './azure-openai.stream';
import { convertAzureOpenAIUsage } from './azure-openai.usage';

const ctx = (baseUrl: string, apiVersion?: string): CallContext => ({ apiKey: { reveal: () => 'k' }, baseUrl, ...(apiVersion ? { apiVersion } : {}) });

describe('Azure URLs', () => {
  it('legacy deployments path with a dated api-version (default or configured)', () => {
    expect(azureOpenAIUrl(ctx('https://r.openai.azure.com/'), 'gpt 4o', 'chat/completions')).toBe(
      'https://r.openai.azure.com/openai/deployments/gpt%204o/chat/completions?api-version=2024-10-21',
    );
    expect(azureOpenAIUrl(ctx('https://r.openai.azure.com', '2025-01-01-preview'), null, 'models')).toBe('https://r.openai.azure.com/openai/models?api-version=2025-01-01-preview');
  });

  it('v1 API: no api-version, model in the body', () => {
    expect(isAzureV1('https://r.openai.azure.com/openai/v1')).toBe(true);
    expect(azureOpenAIUrl(ctx('https://r.openai.azure.com/openai/v1/'), 'dep', 'chat/completions')).toBe('https://r.openai.azure.com/openai/v1/chat/completions');
    expect(toAzureOpenAIRequest({ model: 'dep', messages: [] }, { stream: false }).model).toBe('dep');
  });
});

describe('Azure responses and streams', () => {
  it('drops content filter annotations, keeps content_filter finish reason', () => {
    const r = fromAzureOpenAIResponse({
      id: 'x',
      prompt_filter_results: [{}],
      choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'content_filter', content_filter_results: {} }],
      usage: { prompt_tokens: 2, completion_tokens: 0 },
    });
    expect(r.response.choices[0]).toEqual({ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'content_filter' });
    expect(convertAzureOpenAIUsage({ prompt_tokens: 2 }).inputTokens).toBe(2);
  });

  it('the leading prompt_filter_results chunk (choices [] and usage null) is neither a chunk nor usage', () => {
    const text =
      'data: {"choices":[],"prompt_filter_results":[{"prompt_index":0}],"usage":null}\n\n' +
      'data: {"id":"c","choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\n' +
      'data: {"id":"c","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1}}\n\ndata: [DONE]\n\n';
    const out = translateSseText(text, createAzureOpenAIStreamTranslator());
    expect(out.map((e) => e.type)).toEqual(['chunk', 'usage']);
  });

  it('errors: content_filter 400 is bad_request', () => {
    expect(mapAzureOpenAIError(400, {}, '{"error":{"code":"content_filter"}}')).toMatchObject({ code: 'bad_request', upstreamCode: 'content_filter', provider: 'azure-openai' });
  });
});
