/**
 * The core off the window's thread: the database and every service run in an
 * Electron utilityProcess (dist/electron/core-host.cjs, electron/services/host/),
 * so a report, an import or a transfer archive never freezes menus and window
 * events. Main only forwards the page's requests, relays progress on one event
 * channel (PROGRESS_CHANNEL) and passes cancellations on.
 */
import { ipcMain, utilityProcess, type WebContents } from 'electron';
import { CHANNEL_PREFIX, CHANNELS } from '../../shared/ipc/channels';
import { CANCEL_CHANNEL, PROGRESS_CHANNEL, type ProgressEvent } from '../../shared/ipc/progress';
import { fail } from '../../shared/ipc/result';
import { HOST_CLOSING_MESSAGE, type CoreClient, type SpawnHost } from '../services/host/client';
import { isTrustedSender } from '../services/desktop/security-policy';

/** Starts the host in a utilityProcess (named in the OS's task manager). */
export function utilityProcessHost(entry: string): SpawnHost {
  return (events) => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'Tableau de bord QRR — données', stdio: 'inherit' });
    child.on('message', (message) => events.message(message));
    child.on('error', (type, location) => events.message({ type: 'log', message: 'Erreur fatale du processus des données', details: { type, location } }));
    child.on('exit', (code) => events.exit(`code ${code}`));
    return {
      post: (message) => child.postMessage(message),
      kill: () => void child.kill(),
      pid: () => child.pid,
    };
  };
}

const send = (sender: WebContents, event: ProgressEvent): void => {
  if (!sender.isDestroyed()) sender.send(PROGRESS_CHANNEL, event);
};

/** One ipcMain handler per request of the contract, answered by the host; progress relayed to the asking page. */
export function registerCoreIpc(core: () => Promise<CoreClient | null>, log: (message: string) => void): void {
  for (const name of CHANNELS) {
    ipcMain.handle(CHANNEL_PREFIX + name, async (event, payload: unknown) => {
      if (!isTrustedSender(event.senderFrame?.url)) {
        log(`Requête ${name} refusée : émetteur ${event.senderFrame?.url ?? 'inconnu'}`);
        return fail('FORBIDDEN_SENDER', "Cette demande ne provient pas de l'application et a été refusée.");
      }
      const client = await core();
      if (!client) return fail('CORE_STOPPED', HOST_CLOSING_MESSAGE);
      let reported = false;
      const call = client.start(name, payload, (progress) => {
        reported = true;
        send(event.sender, { id: call.id, channel: name, progress });
      });
      const result = await call.result;
      if (reported) send(event.sender, { id: call.id, channel: name, progress: null });
      return result;
    });
  }
  ipcMain.on(CANCEL_CHANNEL, (event, id: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url) || typeof id !== 'number') return;
    void core().then((client) => client?.cancel(id));
  });
}
