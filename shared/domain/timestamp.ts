/** The time-stamp authority (PAdES B-T) as the IPC contract carries it. */

export interface TimestampSettings {
  /** RFC 3161 address of the département's time-stamp authority; null: signatures are not time-stamped. */
  readonly tsaUrl: string | null;
}

/** What « Tester » found. */
export interface TsaTestResult {
  /** The time the TSA certified, ISO 8601. */
  readonly time: string;
  readonly tsa: string | null;
  /** Its certificate is a time-stamping one chaining to a trusted root. */
  readonly trusted: boolean;
  /** French, to show as is. */
  readonly message: string;
}

/** A report's time-stamp as the verification shows it. */
export interface TimestampVerdict {
  /** ISO 8601: the time the TSA certifies. */
  readonly time: string;
  readonly tsa: string | null;
  /** Over this very signature. */
  readonly imprintMatches: boolean;
  /** Token signature valid, TSA certificate for time-stamping chaining to a trusted root. */
  readonly trusted: boolean;
}

/** The request field by which the user chooses to sign without a time-stamp (named by the TSA errors' issues). */
export const WITHOUT_TIMESTAMP_FIELD = 'withoutTimestamp';
