import { escapeHtml } from '../util/html';
import type { AadError } from './aad-error';
import { describeScope } from './scopes';

const STYLE = `body{font-family:Segoe UI,Arial,sans-serif;background:#f2f2f2;margin:0}main{max-width:440px;margin:48px auto;background:#fff;padding:36px 44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:22px;font-weight:600}input[type=email]{width:100%;padding:6px 0;border:0;border-bottom:1px solid #666;font-size:15px}
ul{padding-left:20px}button{min-width:108px;padding:6px 12px;margin:16px 8px 0 0;font-size:15px;border:0}#accept{background:#0067b8;color:#fff}#cancel{background:#ccc}
.accounts a{display:block;padding:6px 0;color:#0067b8;text-decoration:none}.muted{color:#666;font-size:13px}pre{white-space:pre-wrap;font-size:12px}`;

const layout = (title: string, body: string): string =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main><div class="muted">Microsoft (emulator)</div>${body}</main></body></html>`;

export interface ConsentPageInput {
  action: string; // form target
  pendingId: string;
  appName: string;
  appId: string;
  loginHint: string;
  accounts: string[];
  scopes: string[];
  heading: string;
  acceptLabel: string;
}

/** The interactive sign-in + consent page. Playwright drives it through #email, #accept and #cancel. */
export function consentPage(p: ConsentPageInput): string {
  const accounts = p.accounts
    .map((a) => `<a href="#" class="account" data-email="${escapeHtml(a)}">${escapeHtml(a)}</a>`)
    .join('');
  const scopes = p.scopes.map((s) => `<li title="${escapeHtml(s)}">${escapeHtml(describeScope(s))}</li>`).join('');
  return layout(
    p.heading,
    `<h1>${escapeHtml(p.heading)}</h1>
<form method="POST" action="${escapeHtml(p.action)}" id="signin">
<input type="hidden" name="pending" value="${escapeHtml(p.pendingId)}" />
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(p.loginHint)}" />
${accounts ? `<div class="accounts"><p class="muted">Pick an account</p>${accounts}</div>` : ''}
<h2 id="app-name">${escapeHtml(p.appName)}</h2>
<p class="muted">App ID ${escapeHtml(p.appId)}. This app would like to:</p>
<ul id="scopes">${scopes}</ul>
<p class="muted">Accepting these permissions means that you allow this app to use your data as specified in their terms of service and privacy statement.</p>
<button id="cancel" name="action" value="cancel" type="submit" formnovalidate>Cancel</button>
<button id="accept" name="action" value="accept" type="submit">${escapeHtml(p.acceptLabel)}</button>
</form>
<script>document.querySelectorAll('a.account').forEach(function(a){a.addEventListener('click',function(e){e.preventDefault();document.getElementById('email').value=a.dataset.email;});});</script>`,
  );
}

/** Microsoft's "Sorry, but we're having trouble signing you in" page (no redirect to the app). */
export function errorPage(error: AadError): string {
  return layout(
    'Sign in',
    `<h1>Sorry, but we're having trouble signing you in.</h1>
<p id="error-code" data-error="${escapeHtml(error.error)}" data-code="${error.code}">AADSTS${error.code}</p>
<pre id="error-description">${escapeHtml(error.description)}</pre>`,
  );
}

export const signedOutPage = (): string =>
  layout('Signed out', "<h1>You signed out of your account</h1><p>It's a good idea to close all browser windows.</p>");

export interface AdminApprovalPageInput {
  appName: string;
  /** The tenant has the admin consent workflow on: the user can request approval. */
  workflow: boolean;
  /** GET link back to the app without consent (carries the access_denied redirect). */
  returnUrl: string;
  /** POST target for "Request approval" (workflow only). */
  requestAction: string;
  pendingId: string;
  requested?: boolean;
}

/** Microsoft's "Need admin approval" interrupt, shown before the app gets access_denied (AADSTS90094 / 90095). */
export function adminApprovalPage(p: AdminApprovalPageInput): string {
  const request = p.requested
    ? '<p id="request-sent">Your request has been sent. You will be notified by email when an admin approves it.</p>'
    : p.workflow
      ? `<form method="POST" action="${escapeHtml(p.requestAction)}"><input type="hidden" name="pending" value="${escapeHtml(p.pendingId)}" />
<label for="justification">Enter justification for requesting this app</label><textarea id="justification" name="justification"></textarea>
<button id="request-approval" type="submit">Request approval</button></form>`
      : '<p class="muted"><a id="admin-sign-in" href="#">Have an admin account? Sign in with that account</a></p>';
  return layout(
    'Need admin approval',
    `<h1 id="need-admin-approval">Need admin approval</h1>
<p><b>${escapeHtml(p.appName)}</b> needs permission to access resources in your organization that only an admin can grant. ${p.workflow ? 'Request approval from an admin' : 'Please ask an admin to grant permission to this app'} before you can use it.</p>
${request}
<p><a id="return-to-app" href="${escapeHtml(p.returnUrl)}">Return to the application without granting consent</a></p>`,
  );
}
