import fs from 'node:fs';
import path from 'node:path';

/**
 * Serves the built renderer for the `app://qrr/` protocol (and for the
 * end-to-end tests, which serve the very same responses to Chromium).
 * Requests outside the renderer folder are refused: no `..`, no encoded
 * separators, no symlink escape.
 */

export interface AppResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

/**
 * The page's Content-Security-Policy: nothing from outside the application,
 * no eval, no inline script. Inline <style> elements are allowed only with the
 * per-load nonce, which the renderer hands to AG Grid for its runtime styles.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "manifest-src 'none'",
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

const notFound = (): AppResponse => ({
  status: 404,
  headers: { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS },
  body: Buffer.from('Introuvable'),
});

/**
 * Maps a URL path to a file inside `root`, or null when the path tries to leave it.
 * `/` and unknown extension-less paths give index.html (single-page application).
 */
export function resolveAppPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded.replace(/^\/+/, '');
  if (relative.split('/').some((segment) => segment === '..')) return null;
  const rootReal = fs.realpathSync(root);
  const candidate = path.resolve(rootReal, relative === '' || !path.extname(relative) ? 'index.html' : relative);
  if (candidate !== rootReal && !candidate.startsWith(rootReal + path.sep)) return null;
  let real: string;
  try {
    real = fs.realpathSync(candidate);
  } catch {
    return null;
  }
  if (!real.startsWith(rootReal + path.sep)) return null;
  return fs.statSync(real).isFile() ? real : null;
}

/** The full response for a request to the application's origin. */
export function serveApp(root: string, urlPath: string, nonce: string): AppResponse {
  const file = resolveAppPath(root, urlPath);
  if (!file) return notFound();
  const ext = path.extname(file).toLowerCase();
  let body = fs.readFileSync(file);
  const headers: Record<string, string> = {
    'Content-Type': MIME[ext] ?? 'application/octet-stream',
    ...SECURITY_HEADERS,
  };
  if (ext === '.html') {
    // The nonce reaches the renderer through a meta tag (AG Grid's `styleNonce`).
    body = Buffer.from(body.toString('utf8').replaceAll('__CSP_NONCE__', nonce));
    headers['Content-Security-Policy'] = contentSecurityPolicy(nonce);
    headers['Cache-Control'] = 'no-store';
  }
  return { status: 200, headers, body };
}
