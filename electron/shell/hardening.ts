import { app, session, shell, type WebContents } from 'electron';
import {
  isNavigationAllowed,
  isPermissionGranted,
  isVettedExternalUrl,
  windowOpenDecision,
} from '../services/desktop/security-policy';

/**
 * Wires the security decisions (pure functions, unit tested) to Electron's
 * events, for every web contents the application ever creates.
 */
export function hardenApp(log: (message: string) => void): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event) => {
      if (!isNavigationAllowed(event.url)) {
        event.preventDefault();
        log(`Navigation refusée vers ${event.url}`);
      }
    });
    contents.on('will-redirect', (event) => {
      if (!isNavigationAllowed(event.url)) {
        event.preventDefault();
        log(`Redirection refusée vers ${event.url}`);
      }
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // A link to a vetted public-service page opens in the system browser; nothing opens inside the app.
      if (isVettedExternalUrl(url)) void shell.openExternal(url);
      else log(`Ouverture de fenêtre refusée : ${url}`);
      return windowOpenDecision();
    });
  });
}

/** No permission is ever granted, and no request may leave the application. */
export function hardenSession(appOrigin: string, log: (message: string) => void): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionGranted(permission)));
  ses.setPermissionCheckHandler((_contents, permission) => isPermissionGranted(permission));
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = details.url.startsWith(`${appOrigin}/`) || details.url.startsWith('devtools://');
    if (!allowed) log(`Requête réseau bloquée : ${details.url}`);
    callback({ cancel: !allowed });
  });
}
