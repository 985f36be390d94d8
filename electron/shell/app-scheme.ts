import { randomBytes } from 'node:crypto';
import { protocol } from 'electron';
import { serveApp } from '../services/desktop/serve-renderer';
import { APP_HOST, APP_SCHEME } from '../services/desktop/security-policy';

/** Must run before `app.whenReady()`: the scheme behaves like https (secure context, standard URLs). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer from `rendererRoot`, behind the path-traversal guard of serveApp. */
export function handleAppScheme(rendererRoot: string): void {
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('Introuvable', { status: 404 });
    // A fresh nonce per response: only the HTML uses it, for its CSP and AG Grid's styles.
    const response = serveApp(rendererRoot, url.pathname, randomBytes(18).toString('base64'));
    return new Response(new Uint8Array(response.body), { status: response.status, headers: response.headers });
  });
}
