import { PROVIDER_IDS } from './adapter.types';
import { DEFAULT_BASE_URLS, getAdapter, isProviderId, PROVIDERS_WITHOUT_EMBEDDINGS } from './registry';

describe('registry', () => {
  it.each(PROVIDER_IDS)('%s has an adapter with the same id and a base URL entry', (id) => {
    const a = getAdapter(id);
    expect(a.id).toBe(id);
    expect(typeof a.chat).toBe('function');
    expect(id in DEFAULT_BASE_URLS).toBe(true);
  });

  it('defaults follow each vendor SDK convention; Azure and vLLM need operator config', () => {
    expect(DEFAULT_BASE_URLS.openai).toBe('https://api.openai.com/v1');
    expect(DEFAULT_BASE_URLS.anthropic).toBe('https://api.anthropic.com');
    expect(DEFAULT_BASE_URLS.gemini).toBe('https://generativelanguage.googleapis.com');
    expect(DEFAULT_BASE_URLS['azure-openai']).toBeNull();
    expect(DEFAULT_BASE_URLS.vllm).toBeNull();
    for (const url of Object.values(DEFAULT_BASE_URLS)) if (url && !url.startsWith('http://localhost')) expect(url).toMatch(/^https:\/\//);
  });

  it('rejects unknown ids', () => {
    expect(isProviderId('cohere')).toBe(false);
    expect(() => getAdapter('cohere' as never)).toThrow(TypeError);
  });

  it('lists providers without embeddings', () => {
    expect(PROVIDERS_WITHOUT_EMBEDDINGS).toEqual(expect.arrayContaining(['anthropic', 'groq', 'deepseek']));
    expect(PROVIDERS_WITHOUT_EMBEDDINGS).not.toContain('openai');
  });
});
