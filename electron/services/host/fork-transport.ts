/**
 * The core host as a Node child process (child_process.fork), for the tests,
 * the end-to-end harness and anything running outside Electron. Structured
 * clone ('advanced' serialization), as Electron's utilityProcess does.
 */
import { fork } from 'node:child_process';
import type { SpawnHost } from './client';

export interface ForkHostOptions {
  /** The bundled host (dist/electron/core-host.cjs, or a test bundle). */
  readonly entry: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export function forkHost(options: ForkHostOptions): SpawnHost {
  return (events) => {
    const child = fork(options.entry, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
    child.on('message', (message) => events.message(message as never));
    // 'close', not 'exit': it comes after the last message of the IPC channel (a fatal error, the closing word).
    child.on('close', (code, signal) => events.exit(signal ? `signal ${signal}` : `code ${code}`));
    child.on('error', (error) => events.message({ type: 'log', message: 'Processus des données : erreur', details: error.message }));
    return {
      post: (message) => {
        if (child.connected) child.send(message);
      },
      kill: () => {
        child.kill('SIGKILL');
      },
      pid: () => child.pid,
    };
  };
}
