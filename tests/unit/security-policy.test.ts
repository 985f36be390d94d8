import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  isNavigationAllowed,
  isPermissionGranted,
  isTrustedSender,
  isVettedExternalUrl,
  windowOpenDecision,
} from '../../electron/services/desktop/security-policy';

describe('shell security policy', () => {
  it('trusts only frames showing the application itself', () => {
    expect(isTrustedSender(`${APP_ORIGIN}/index.html`)).toBe(true);
    expect(isTrustedSender(`${APP_ORIGIN}/index.html#/quartiers`)).toBe(true);
    for (const url of [
      undefined,
      null,
      '',
      'about:blank',
      'file:///C:/Users/agent/index.html',
      'https://qrr/index.html',
      'app://qrr.evil.example/index.html',
      'app://evil/index.html',
      'app://user:pass@qrr/index.html',
      'devtools://devtools/bundled/inspector.html',
      'not a url',
    ]) {
      expect(isTrustedSender(url), String(url)).toBe(false);
    }
  });

  it('refuses every navigation away from the application', () => {
    expect(isNavigationAllowed(`${APP_ORIGIN}/index.html`)).toBe(true);
    for (const url of [
      'https://www.interieur.gouv.fr/',
      'http://localhost:3000/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'app://other/index.html',
    ]) {
      expect(isNavigationAllowed(url), url).toBe(false);
    }
  });

  it('denies every new window and every permission', () => {
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      expect(isPermissionGranted(permission)).toBe(false);
    }
  });

  it('opens externally only https pages of vetted public services', () => {
    expect(isVettedExternalUrl('https://www.legifrance.gouv.fr/circulaire/id/45205')).toBe(true);
    expect(isVettedExternalUrl('https://www.data.gouv.fr/fr/datasets/quartiers-prioritaires/')).toBe(true);
    for (const url of [
      'http://www.legifrance.gouv.fr/',
      'https://www.legifrance.gouv.fr.evil.example/',
      'https://user@www.legifrance.gouv.fr/',
      'https://www.legifrance.gouv.fr:8443/',
      'file:///C:/Windows/System32/calc.exe',
      'smb://serveur/partage',
      'javascript:alert(1)',
      'https://example.org/',
      'nonsense',
    ]) {
      expect(isVettedExternalUrl(url), url).toBe(false);
    }
  });
});
