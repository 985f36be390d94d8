import type { Settings } from '../../../shared/domain/types';

/** DSFR header: the bloc-marque names the prefect's services once the département is chosen. */
export function Header({ settings }: { settings: Settings | null }) {
  return (
    <header role="banner" className="fr-header">
      <div className="fr-header__body">
        <div className="fr-container">
          <div className="fr-header__body-row">
            <div className="fr-header__brand">
              <div className="fr-header__brand-top">
                <div className="fr-header__logo">
                  <p className="fr-logo" data-testid="bloc-marque">
                    {settings ? (
                      settings.prefetTitle
                    ) : (
                      <>
                        République
                        <br />
                        Française
                      </>
                    )}
                  </p>
                </div>
              </div>
              <div className="fr-header__service">
                <p className="fr-header__service-title">Tableau de bord QRR</p>
                <p className="fr-header__service-tagline">
                  Quartiers de reconquête républicaine — « La République en actes »
                  {settings ? ` — ${settings.departementNom} (${settings.departementCode})` : ''}
                </p>
              </div>
            </div>
          </div>
        </div>
      </div>
    </header>
  );
}
