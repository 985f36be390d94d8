import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTsaUrl, TimestampError } from '../../electron/services/report/tsa-client';
import { REPO_ROOT } from '../support/paths';
import { importsOf } from '../support/imports';

/**
 * The offline guarantee, in the code: the application reaches the network
 * only through report/tsa-client.ts, which contacts the time-stamp authority
 * the user configured and nothing else (no redirect followed). The renderer
 * cannot make any request at all (electron/shell/hardening.ts, and the e2e
 * harness's `externalRequests`); what main does at run time is measured in
 * tests/integration/timestamp-ipc.test.ts.
 */

const NETWORK_MODULES = ['http', 'https', 'http2', 'net', 'tls', 'dgram', 'undici', 'node-fetch', 'axios', 'ws'];
const NETWORK_GLOBALS = /\b(fetch|WebSocket|XMLHttpRequest|EventSource|sendBeacon)\s*\(|\bnew\s+(WebSocket|XMLHttpRequest|EventSource)\b|\bnet\.(request|fetch)\b/;
const TSA_CLIENT = 'electron/services/report/tsa-client.ts';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.(ts|tsx|mts)$/.test(entry.name) ? [full] : [];
  });
}

const codeLines = (source: string): string[] => source.split('\n').filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line));

describe('offline guarantee', () => {
  const files = ['electron', 'cli', 'shared', 'renderer/src'].flatMap((dir) => sourceFiles(path.join(REPO_ROOT, dir)));

  it('scans the application (self-check)', () => {
    expect(files.map((f) => path.relative(REPO_ROOT, f))).toContain(TSA_CLIENT);
    expect(NETWORK_GLOBALS.test('const r = await fetch(url)')).toBe(true);
    expect(NETWORK_GLOBALS.test('prefetchRows()')).toBe(false);
  });

  it('only the time-stamp client imports a network module', () => {
    const offenders = files.flatMap((file) =>
      importsOf(fs.readFileSync(file, 'utf8'))
        .filter((spec) => NETWORK_MODULES.includes(spec.replace(/^node:/, '').split('/')[0]!))
        .map((spec) => `${path.relative(REPO_ROOT, file)} → ${spec}`),
    );
    expect(offenders).toEqual([`${TSA_CLIENT} → node:http`, `${TSA_CLIENT} → node:https`]);
  });

  it('no code calls fetch, WebSocket, XMLHttpRequest, EventSource or Electron’s net', () => {
    const offenders = files.filter((file) => codeLines(fs.readFileSync(file, 'utf8')).some((line) => NETWORK_GLOBALS.test(line)));
    expect(offenders.map((f) => path.relative(REPO_ROOT, f))).toEqual([]);
  });

  it('the time-stamp client refuses any address but a plain http(s) one without credentials', () => {
    expect(parseTsaUrl('http://horodatage.interne.gouv.fr/tsa').host).toBe('horodatage.interne.gouv.fr');
    expect(parseTsaUrl(' https://10.1.2.3:8443/tsa ').host).toBe('10.1.2.3:8443');
    for (const raw of ['file:///etc/passwd', 'ftp://tsa/', 'javascript:alert(1)', 'http://user:pw@tsa/', 'tsa.interne', '']) {
      expect(() => parseTsaUrl(raw), raw).toThrow(TimestampError);
    }
  });
});
