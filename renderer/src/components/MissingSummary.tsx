import type { ReportMissing } from '../../../shared/report/report-model';

/** What is still to enter before transmitting a quarter (the report model's check). */
export function MissingSummary({ missing }: { missing: ReportMissing }) {
  if (missing.ready) {
    return (
      <div className="fr-alert fr-alert--success fr-alert--sm fr-mb-2w" data-testid="missing-summary">
        <p>Tout est renseigné : le trimestre peut être transmis.</p>
      </div>
    );
  }
  return (
    <div className="fr-alert fr-alert--warning fr-alert--sm fr-mb-2w" data-testid="missing-summary">
      <h3 className="fr-alert__title">À compléter avant la transmission</h3>
      <ul>
        {missing.summary.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}
