/**
 * Entry point of the core host process (bundled as dist/electron/core-host.cjs).
 * In the application it runs in an Electron utilityProcess and talks through
 * `process.parentPort`; in tests and the end-to-end harness it is a Node child
 * process (child_process.fork) talking through `process.send`. Same protocol.
 * Never imports electron: parentPort is a property Electron adds to `process`.
 */
import { createAppCore } from '../app-core';
import { setPkcs11Binding } from '../report/pkcs11-signer';
import { createCoreHost } from './core-host';
import type { FromHost } from './protocol';

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;

/** The last message handed to process.send: exit waits for it (it is written asynchronously). */
let lastSend: Promise<void> = Promise.resolve();

function post(message: FromHost): void {
  if (parentPort) parentPort.postMessage(message);
  else if (process.send && process.connected) {
    const send = process.send.bind(process);
    lastSend = new Promise((resolve) => send(message, undefined, undefined, () => resolve()));
  }
}

function exit(code: number): void {
  if (parentPort) process.exit(code);
  else void lastSend.then(() => process.exit(code));
}

const host = createCoreHost({
  post,
  exit,
  openCore: (options, log) => {
    if (options.pkcs11Binding) setPkcs11Binding(options.pkcs11Binding);
    const { pkcs11Binding: _unused, ...coreOptions } = options;
    return createAppCore({ ...coreOptions, log });
  },
});

if (parentPort) parentPort.on('message', (event) => host.receive(event.data));
else if (process.send) {
  process.on('message', (message) => host.receive(message));
  // The window's process is gone: nobody will ever ask anything again.
  process.on('disconnect', () => host.receive({ type: 'close' }));
} else {
  process.stderr.write('Le processus des données doit être lancé par l’application (utilityProcess) ou par child_process.fork.\n');
  process.exit(2);
}
