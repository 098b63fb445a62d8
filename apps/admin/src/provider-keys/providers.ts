import type { ChipProps } from '@mui/material';

export const providerChoices = [
  { id: 'openai', name: 'OpenAI' },
  { id: 'anthropic', name: 'Anthropic' },
  { id: 'mistral', name: 'Mistral' },
  { id: 'gemini', name: 'Google Gemini' },
  { id: 'azure-openai', name: 'Azure OpenAI' },
  { id: 'groq', name: 'Groq' },
  { id: 'deepseek', name: 'DeepSeek' },
  { id: 'xai', name: 'xAI' },
  { id: 'together', name: 'Together AI' },
  { id: 'fireworks', name: 'Fireworks AI' },
  { id: 'openrouter', name: 'OpenRouter' },
  { id: 'ollama', name: 'Ollama (self-hosted)' },
  { id: 'vllm', name: 'vLLM (self-hosted)' },
];

/** Self-hosted providers: the team gives their base URL; everything else uses the server's configured URL. */
export const selfHostedProviders = new Set(['ollama', 'vllm']);

export const providerKeyStatusChoices = [
  { id: 'active', name: 'Active' },
  { id: 'invalid', name: 'Invalid' },
  { id: 'cooling_down', name: 'Cooling down' },
  { id: 'unverified', name: 'Unverified' },
];

export const providerKeyStatusColors: Record<string, NonNullable<ChipProps['color']>> = {
  active: 'success',
  invalid: 'error',
  cooling_down: 'warning',
  unverified: 'default',
};
