import { nodeSha256 } from '../../electron/services/exchange/node-hash';
import { qrrExchangeKey, sealExchangeDocument, type ExchangeDocument } from '../../shared/exchange/format';

/**
 * A sealed exchange document of `count` quartiers of Saint-Denis, one value
 * each (quarter 2026-T3): as large as a test needs, with accents, typographic
 * apostrophes, narrow no-break spaces and an emoji in its texts.
 */
export function exchangeDocumentOf(count: number): ExchangeDocument {
  const qrrs = Array.from({ length: count }, (_, i) => {
    const name = `Quartier « n° ${i + 1} » — l’été`;
    return { key: qrrExchangeKey(name, ['93066']), name, communes: ['93066'], qpvCodes: [], securityZone: 'police' as const, wave: '2019' as const, population: 1000 + i };
  });
  return sealExchangeDocument(
    {
      format: 'qrr-echange',
      version: 2,
      referentialVersion: 1,
      departement: { code: '93', nom: 'Seine-Saint-Denis' },
      sender: { name: 'Camille Martin', osUser: 'cmartin' },
      exportedAt: '2026-11-26T09:00:00.000Z',
      scope: { periods: ['2026-T3'] },
      qrrs,
      periods: [{ code: '2026-T3', state: 'open' }],
      indicatorValues: qrrs.map((q) => ({
        qrrKey: q.key,
        indicatorCode: '01-01',
        periodCode: '2026-T3',
        value: { numerator: 3, denominator: 40 },
        target: null,
        comment: 'Chiffre\u202fDASEN\u00a0: 1\u202f234,56\u00a0€ 😀',
        source: 'DASEN',
        updatedAt: '2026-10-02T08:00:00.000Z',
        updatedBy: 'cmartin',
      })),
      actionStatuses: [],
      assessments: [],
      fipdEnvelopes: [],
      subsidies: [],
    },
    nodeSha256,
  );
}
