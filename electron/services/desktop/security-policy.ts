/**
 * The security decisions of the shell as pure functions, so each rule is unit
 * tested here and electron/ only wires them to Electron's events.
 */

/** The application's own origin: the UI is served only from this custom protocol. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'qrr';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

const parse = (raw: string): URL | null => {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
};

/** True only for a page of the application itself (same scheme and host). */
export function isAppUrl(raw: string | undefined | null, appOrigin: string = APP_ORIGIN): boolean {
  if (!raw) return false;
  const url = parse(raw);
  const origin = parse(appOrigin);
  if (!url || !origin) return false;
  return url.protocol === origin.protocol && url.host === origin.host && url.username === '' && url.password === '';
}

/** IPC requests are answered only when the sending frame shows the application's own page. */
export const isTrustedSender = (frameUrl: string | undefined | null, appOrigin: string = APP_ORIGIN): boolean =>
  isAppUrl(frameUrl, appOrigin);

/**
 * Navigation and redirects: never. The application is a single page; any
 * navigation (a dropped file, a link, a compromised script) is refused,
 * except a reload of the application's own page.
 */
export const isNavigationAllowed = (target: string, appOrigin: string = APP_ORIGIN): boolean =>
  isAppUrl(target, appOrigin);

/** New windows are never opened by the renderer. */
export const windowOpenDecision = (): { action: 'deny' } => ({ action: 'deny' });

/** No permission (camera, notifications, geolocation, clipboard-read…) is ever granted. */
export const isPermissionGranted = (_permission: string): boolean => false;

const VETTED_EXTERNAL_HOSTS = [
  'www.legifrance.gouv.fr',
  'www.gouvernement.fr',
  'www.cohesion-territoires.gouv.fr',
  'www.interieur.gouv.fr',
  'www.cipdr.gouv.fr',
  'agence-cohesion-territoires.gouv.fr',
  'sig.ville.gouv.fr',
  'www.data.gouv.fr',
  'www.systeme-de-design.gouv.fr',
  'www.associations.gouv.fr',
  'lecompteasso.associations.gouv.fr',
];

/**
 * Links the user may open in the system browser (help pages of the référentiel):
 * https only, no credentials, only hosts of public services we list.
 */
export function isVettedExternalUrl(raw: string): boolean {
  const url = parse(raw);
  if (!url) return false;
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.port !== '') return false;
  return VETTED_EXTERNAL_HOSTS.includes(url.hostname);
}
