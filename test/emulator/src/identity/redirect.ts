import { escapeHtml } from '../util/html';

export type ResponseMode = 'query' | 'fragment' | 'form_post';

const encode = (params: Record<string, string>): string =>
  Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

/** Where the browser goes back to the app, with every value URL-encoded. */
export function redirectLocation(redirectUri: string, mode: ResponseMode, params: Record<string, string>): string {
  if (mode === 'fragment') return `${redirectUri}#${encode(params)}`;
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${encode(params)}`;
}

/** response_mode=form_post: an auto-submitting form, like Microsoft's. */
export function formPostPage(redirectUri: string, params: Record<string, string>): string {
  const inputs = Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}" />`)
    .join('');
  return `<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="${escapeHtml(redirectUri)}">${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form><script>document.forms[0].submit();</script></body></html>`;
}

export const parseResponseMode = (value: string | undefined): ResponseMode =>
  value === 'fragment' || value === 'form_post' ? value : 'query';
