import { Injectable } from '@nestjs/common';
import { DEFAULT_BASE_URLS, ProviderId, isProviderId } from '@tollgate/providers';
import { ApiError } from '../common/api-error';
import { AppConfig } from '../config/app-config';

/** Providers a team may hold keys for. */
export const KEY_PROVIDERS = ['openai', 'anthropic', 'mistral', 'gemini', 'azure-openai', 'groq', 'deepseek', 'xai', 'together', 'fireworks', 'openrouter', 'ollama', 'vllm'] as const;

const SELF_HOSTED = new Set(['ollama', 'vllm']);
const AZURE_HOST = /^https:\/\/[a-z0-9][a-z0-9-]{0,62}\.(openai\.azure\.com|cognitiveservices\.azure\.com)(\/[A-Za-z0-9/_.-]*)?$/;

/**
 * Where a key may be sent. Destinations come from server configuration only: public defaults,
 * PROVIDER_BASE_URLS overrides, Azure resource URLs, and self-hosted hosts the operator allowed.
 */
@Injectable()
export class UpstreamConfig {
  constructor(private readonly config: AppConfig) {}

  /** Validates a base URL a team admin gives for a key (only for self-hosted and Azure). */
  validateKeyBaseUrl(provider: string, baseUrl: string | undefined): string | null {
    const override = this.config.get('PROVIDER_BASE_URLS')[provider];
    if (SELF_HOSTED.has(provider)) {
      if (!baseUrl) {
        if (override) return null;
        throw ApiError.badRequest(`${provider} keys need a baseUrl on a host the operator allowed (ALLOWED_CUSTOM_UPSTREAM_HOSTS)`);
      }
      let url: URL;
      try {
        url = new URL(baseUrl);
      } catch {
        throw ApiError.badRequest('baseUrl is not a URL');
      }
      if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password) throw ApiError.badRequest('baseUrl must be http(s) without credentials');
      if (!this.config.get('ALLOWED_CUSTOM_UPSTREAM_HOSTS').includes(url.host)) {
        throw ApiError.badRequest(`Host ${url.host} is not allowed by the server configuration`);
      }
      return url.toString().replace(/\/$/, '');
    }
    if (provider === 'azure-openai') {
      if (!baseUrl) {
        if (override) return null;
        throw ApiError.badRequest('azure-openai keys need the resource URL as baseUrl (https://<resource>.openai.azure.com)');
      }
      if (!AZURE_HOST.test(baseUrl)) throw ApiError.badRequest('baseUrl must be an Azure OpenAI resource URL (https://<resource>.openai.azure.com)');
      return baseUrl.replace(/\/$/, '');
    }
    if (baseUrl) throw ApiError.badRequest(`baseUrl cannot be set for ${provider}; its destination is fixed by the server`);
    return null;
  }

  /** The destination of a stored key, decided again at every use. */
  resolve(provider: string, keyBaseUrl: string | null): { baseUrl: string; allowPrivateNetwork: boolean } {
    if (!isProviderId(provider)) throw new ApiError(500, 'internal_error', 'Unknown provider', 'api_error');
    const allowPrivate = this.config.get('UPSTREAM_ALLOW_PRIVATE_NETWORK');
    if (keyBaseUrl) {
      const host = new URL(keyBaseUrl).host;
      const selfHosted = SELF_HOSTED.has(provider);
      if (selfHosted && !this.config.get('ALLOWED_CUSTOM_UPSTREAM_HOSTS').includes(host)) {
        throw new ApiError(502, 'upstream_error', 'This key points at a host that is no longer allowed', 'api_error');
      }
      return { baseUrl: keyBaseUrl, allowPrivateNetwork: allowPrivate || selfHosted };
    }
    const baseUrl = this.config.get('PROVIDER_BASE_URLS')[provider] ?? DEFAULT_BASE_URLS[provider as ProviderId];
    if (!baseUrl) throw new ApiError(502, 'upstream_error', `No base URL is configured for ${provider}`, 'api_error');
    return { baseUrl, allowPrivateNetwork: allowPrivate };
  }
}
