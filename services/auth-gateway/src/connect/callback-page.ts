const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page a browser sees when the callback cannot be trusted (unknown, replayed or expired state). */
export function refusedCallbackPage(reason: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Sign-in link not valid</title></head>
<body><h1>This sign-in link is not valid</h1><p>${escape(reason)}</p>
<p>Start the connection again from the Email Connections page.</p></body></html>`;
}
