import { useEffect, useState } from 'react';
import type { AppInfo, Departement, Settings } from '../../../shared/domain/types';
import { api, call } from '../api';
import { SuccessNotice } from '../components/ErrorAlert';
import { SettingsForm } from '../components/SettingsForm';
import { BackupsPanel } from '../components/BackupsPanel';
import { TrustedRootsPanel } from '../components/TrustedRootsPanel';

export function Parametres({
  settings,
  departements,
  departementLocked,
  onSaved,
  onRestored,
}: {
  settings: Settings;
  departements: readonly Departement[];
  departementLocked: boolean;
  onSaved: (settings: Settings) => void;
  onRestored: () => void;
}) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    void call(api().getAppInfo()).then((result) => result.ok && setInfo(result.value));
  }, []);

  return (
    <section aria-labelledby="parametres-title">
      <h1 id="parametres-title">Paramètres</h1>
      <SuccessNotice message={notice} />
      <h2 className="fr-h4">Département et signataires</h2>
      <SettingsForm
        departements={departements}
        initial={settings}
        departementLocked={departementLocked}
        submitLabel="Enregistrer les paramètres"
        onSubmit={async (draft) => {
          const result = await call(api().saveSettings(draft));
          if (result.ok) {
            onSaved(result.value);
            setNotice('Paramètres enregistrés.');
          } else setNotice(null);
          return result;
        }}
      />
      <h2 className="fr-h4 fr-mt-6w">Données</h2>
      {info && (
        <dl className="qrr-facts" data-testid="app-info">
          <dt>Base de données</dt>
          <dd>
            <code>{info.databasePath}</code>
          </dd>
          <dt>Dossier des sauvegardes</dt>
          <dd>
            <code>{info.backupDir}</code>
          </dd>
          <dt>Version de l'application</dt>
          <dd>{info.appVersion}</dd>
          <dt>Version du schéma de données</dt>
          <dd>{info.schemaVersion}</dd>
        </dl>
      )}
      <h2 className="fr-h4 fr-mt-6w">Autorités de certification de confiance</h2>
      <TrustedRootsPanel />
      <h2 className="fr-h4 fr-mt-6w">Sauvegardes</h2>
      <BackupsPanel onRestored={onRestored} />
    </section>
  );
}
