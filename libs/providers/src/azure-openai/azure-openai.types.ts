/** GA dated version used when the call context names none. */
export const AZURE_OPENAI_DEFAULT_API_VERSION = '2024-10-21';

/** 400 content filter body: `{"error":{"code":"content_filter","innererror":{...}}}`. */
export interface AzureOpenAIErrorBody {
  error?: { code?: string; message?: string; innererror?: { code?: string } };
}
