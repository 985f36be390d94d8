import { describe, expect, it } from 'vitest';
import { previewJson, writePreviewJson } from '../../cli/commands/exchange';
import type { ExchangeLine, ExchangePreview, LineKind } from '../../shared/exchange/diff';
import { PreviewLines } from '../../shared/exchange/preview-lines';

/** `import --dry-run --json` is written in pieces: the text must be exactly the one JSON.stringify gave. */
describe('import --dry-run --json, streamed', () => {
  const line = (kind: LineKind, n: number): ExchangeLine => ({
    key: `indicator_value|qrr ${n}|01-0${n}|2026-T3|value`,
    table: 'indicator_value',
    qrrKey: `qrr ${n}`,
    qrrName: `Quartier « ${n} » — l’été`,
    qrrId: n === 1 ? null : n,
    code: `01-0${n}`,
    periodCode: '2026-T3',
    field: n % 2 === 0 ? 'value' : 'comment',
    kind,
    ...(kind === 'locked' ? { lockReason: 'period_transmitted' as const } : {}),
    ...(kind === 'refused' ? { refusedReason: 'Le commentaire ne peut pas dépasser 2000 caractères (2001).' } : {}),
    mine: kind === 'new' ? null : { value: { count: n }, updatedAt: '2026-10-01T08:00:00.000Z', updatedBy: 'moi' },
    theirs: { value: n % 2 === 0 ? { numerator: n, denominator: 10 } : 'texte\n« cité »', updatedAt: null, updatedBy: 'collègue' },
    ...(n === 3 ? { summary: 'Association — aide aux devoirs', parent: 'a'.repeat(32) } : {}),
  });
  const file = { path: '/tmp/qrr-93-2026-T3.qrr', fileName: 'qrr-93-2026-T3.qrr', fileHash: 'f'.repeat(64), version: 2 };
  const source = { kind: 'pdf', signed: true, trusted: false, signer: 'C. Martin', warning: 'Origine non garantie.' };
  const previewOf = (kinds: LineKind[]): ExchangePreview => {
    const lines = kinds.map((k, i) => line(k, i + 1));
    const counts = { new: 0, identical: 0, conflict: 0, locked: 0, refused: 0 };
    for (const l of lines) counts[l.kind]++;
    return {
      departement: { code: '93', nom: 'Seine-Saint-Denis' },
      sender: { name: 'Collègue', osUser: 'c' },
      exportedAt: '2026-10-05T09:00:00.000Z',
      qrrs: [{ key: 'qrr 1', name: 'Quartier 1', localId: null }],
      periods: [{ code: '2026-T3', theirState: 'open', localState: null }],
      lines: PreviewLines.of(lines),
      counts,
    };
  };

  for (const [name, kinds] of [
    ['every kind, some twice', ['new', 'conflict', 'identical', 'new', 'locked', 'refused', 'conflict'] as LineKind[]],
    ['empty lists', ['new'] as LineKind[]],
    ['no line at all', [] as LineKind[]],
  ] as const) {
    it(`writes the same text as JSON.stringify: ${name}`, async () => {
      const preview = previewOf([...kinds]);
      const chunks: string[] = [];
      await writePreviewJson(preview, file, source, (c) => void chunks.push(c));
      expect(chunks.join('')).toBe(`${JSON.stringify({ ...previewJson(preview, file), source }, null, 2)}\n`);
    });
  }
});
