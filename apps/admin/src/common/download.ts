import { apiUrl, httpClient } from '../providers/http-client';

/**
 * Downloads an authenticated file (CSV export): fetched with the console session and team header, then
 * saved through a temporary Blob link, since a plain <a href> would not carry the bearer token.
 */
export async function downloadFile(path: string, filename: string): Promise<void> {
  const res = await httpClient(`${apiUrl}${path}`, { headers: { Accept: 'text/csv' } });
  const type = res.headers.get('Content-Type') ?? 'text/csv';
  const blob = new Blob([res.body], { type });
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Give the browser a moment to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
