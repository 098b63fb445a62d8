/** A tiny JSON HTTP client for tests against the real server. */
export interface HttpResult {
  status: number;
  headers: Headers;
  // Tests read arbitrary response shapes; they assert on them field by field.
  body: any;
  text: string;
}

export async function http(
  baseUrl: string,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; apiKey?: string; headers?: Record<string, string>; raw?: string } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined || opts.raw !== undefined) headers['content-type'] ??= 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
  });
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}
