import type { IndicatorValuePayload } from './types';
import type { Engagement } from '../referential/types';
import { isIndicatorValueComplete } from './indicator-values';

export interface EngagementCompleteness {
  readonly engagementCode: string;
  readonly filled: number;
  readonly total: number;
  /** Codes of the indicators still to fill, in the référentiel's order. */
  readonly missing: readonly string[];
}

/**
 * How many indicators of each engagement have a complete value: the one
 * computation behind the Indicateurs screen, the dashboard and the report's
 * transmission check.
 */
export function indicatorCompleteness(
  engagements: readonly Engagement[],
  valueOf: (indicatorCode: string) => IndicatorValuePayload | null | undefined,
  /** Indicators « sans objet » in this QRR: neither filled nor missing (shared/domain/sans-objet.ts). */
  isSansObjet: (indicatorCode: string) => boolean = () => false,
): EngagementCompleteness[] {
  return engagements.map((e) => {
    const applicable = e.indicators.filter((i) => !isSansObjet(i.code));
    const missing = applicable.filter((i) => {
      const v = valueOf(i.code);
      return !v || !isIndicatorValueComplete(i, v);
    });
    return {
      engagementCode: e.code,
      filled: applicable.length - missing.length,
      total: applicable.length,
      missing: missing.map((i) => i.code),
    };
  });
}
