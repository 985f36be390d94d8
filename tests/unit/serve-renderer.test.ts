import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, resolveAppPath, serveApp } from '../../electron/services/desktop/serve-renderer';
import { tempDir } from '../support/db';

describe('app:// protocol', () => {
  let root: string;
  let outside: string;
  beforeAll(() => {
    const base = tempDir('qrr-protocol-');
    root = path.join(base, 'renderer');
    fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.html'), '<meta name="csp-nonce" content="__CSP_NONCE__">');
    fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    outside = path.join(base, 'secret.sqlite');
    fs.writeFileSync(outside, 'secret');
    fs.symlinkSync(outside, path.join(root, 'assets', 'link.js'));
  });

  it('serves files of the renderer folder, and index.html for the page routes', () => {
    expect(resolveAppPath(root, '/assets/app.js')).toBe(fs.realpathSync(path.join(root, 'assets', 'app.js')));
    expect(resolveAppPath(root, '/')).toBe(fs.realpathSync(path.join(root, 'index.html')));
    expect(resolveAppPath(root, '/quartiers')).toBe(fs.realpathSync(path.join(root, 'index.html')));
  });

  it('refuses every way out of the renderer folder', () => {
    for (const attempt of [
      '/../secret.sqlite',
      '/assets/../../secret.sqlite',
      '/%2e%2e/secret.sqlite',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.sqlite',
      '/..%5csecret.sqlite',
      '/assets/link.js',
      '/assets/app.js%00.png',
      '/%E0%A4%A',
      '/missing.js',
    ]) {
      expect(resolveAppPath(root, attempt), attempt).toBeNull();
    }
    expect(serveApp(root, '/../secret.sqlite', 'n').status).toBe(404);
  });

  it('serves the page with a strict CSP carrying a fresh nonce', () => {
    const response = serveApp(root, '/index.html', 'abc123');
    expect(response.status).toBe(200);
    expect(response.body.toString()).toContain('content="abc123"');
    const csp = response.headers['Content-Security-Policy']!;
    expect(csp).toBe(contentSecurityPolicy('abc123'));
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'nonce-abc123'");
    expect(csp).not.toMatch(/unsafe-(eval|inline)/);
    expect(serveApp(root, '/assets/app.js', 'x').headers['Content-Type']).toBe('text/javascript; charset=utf-8');
  });
});
