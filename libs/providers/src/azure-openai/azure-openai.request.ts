import type { CallContext, ChatRequest } from '../core/adapter.types';
import { joinUrl } from '../core/http-client';
import { toOpenAIRequest } from '../openai/openai.request';
import type { OpenAIChatRequestBody } from '../openai/openai.types';
import { AZURE_OPENAI_DEFAULT_API_VERSION } from './azure-openai.types';

/** Same body as OpenAI; `model` is the deployment name (the v1 API reads it, the legacy API ignores it). */
export function toAzureOpenAIRequest(req: ChatRequest, opts: { stream: boolean }): OpenAIChatRequestBody {
  return toOpenAIRequest(req, opts);
}

/** `https://{resource}.openai.azure.com/openai/v1` selects the v1 API (no api-version, model in body). */
export function isAzureV1(baseUrl: string): boolean {
  return /\/openai\/v1\/?$/.test(baseUrl);
}

/**
 * Legacy: `{base}/openai/deployments/{deployment}/{op}?api-version=...` (the deployment, not a model
 * name, is in the path). v1: `{base}/{op}`.
 */
export function azureOpenAIUrl(ctx: CallContext, deployment: string | null, op: string): string {
  if (isAzureV1(ctx.baseUrl)) return joinUrl(ctx.baseUrl, `/${op}`);
  const version = encodeURIComponent(ctx.apiVersion ?? AZURE_OPENAI_DEFAULT_API_VERSION);
  const path = deployment === null ? `/openai/${op}` : `/openai/deployments/${encodeURIComponent(deployment)}/${op}`;
  return joinUrl(ctx.baseUrl, `${path}?api-version=${version}`);
}
