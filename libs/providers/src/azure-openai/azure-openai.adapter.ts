import { OpenAIStyleAdapter } from '../openai/openai.adapter';
import { mapAzureOpenAIError } from './azure-openai.errors';
import { azureOpenAIUrl, toAzureOpenAIRequest } from './azure-openai.request';
import { convertAzureOpenAIUsage } from './azure-openai.usage';

/** Base URL: `https://{resource}.openai.azure.com` (legacy, dated api-version) or `.../openai/v1`. */
export const azureOpenAIAdapter = new OpenAIStyleAdapter({
  id: 'azure-openai',
  chatUrl: (ctx, req) => azureOpenAIUrl(ctx, req.model, 'chat/completions'),
  embeddingsUrl: (ctx, req) => azureOpenAIUrl(ctx, req.model, 'embeddings'),
  modelsUrl: (ctx) => azureOpenAIUrl(ctx, null, 'models'),
  authHeaders: (ctx) => ({ 'api-key': ctx.apiKey.reveal() }),
  toRequest: toAzureOpenAIRequest,
  convertUsage: convertAzureOpenAIUsage,
  mapError: mapAzureOpenAIError,
});
