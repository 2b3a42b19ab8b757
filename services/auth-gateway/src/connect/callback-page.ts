const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head><body>${body}</body></html>`;

/** The page a browser sees when the callback cannot be trusted (unknown, replayed or expired state). */
export function refusedCallbackPage(reason: string): string {
  return page(
    'Sign-in link not valid',
    `<h1>This sign-in link is not valid</h1><p>${escape(reason)}</p>
<p>Start the connection again from the Email Connections page.</p>`,
  );
}

/** Where an administrator lands after Microsoft's admin-consent page. */
export function adminConsentPage(outcome: {
  granted: boolean;
  appName: string;
  tenant?: string;
  remediation?: string;
  code?: string;
}): string {
  if (outcome.granted) {
    const org = outcome.tenant ? ` for the organization (tenant ${escape(outcome.tenant)})` : '';
    return page(
      'Admin consent granted',
      `<h1 id="admin-consent-granted">Admin consent granted</h1>
<p>${escape(outcome.appName)} may now access the permissions it asked for${org}.</p>
<p>Users can now connect their mailbox: ask them to start the connection again from the Email Connections page.</p>`,
    );
  }
  return page(
    'Admin consent not granted',
    `<h1 id="admin-consent-refused">Admin consent was not granted</h1>
<p>Reason: <code>${escape(outcome.code ?? 'unknown')}</code>. ${escape(outcome.remediation ?? '')}</p>`,
  );
}
