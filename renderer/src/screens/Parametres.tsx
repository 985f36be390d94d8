import { useCallback, useEffect, useState } from 'react';
import type { AppInfo, Departement, Settings } from '../../../shared/domain/types';
import { api, call } from '../api';
import { SuccessNotice } from '../components/ErrorAlert';
import { SettingsForm } from '../components/SettingsForm';
import { BackupsPanel } from '../components/BackupsPanel';
import { TrustedRootsPanel } from '../components/TrustedRootsPanel';
import { SigningModulePanel } from '../components/SigningModulePanel';
import { TimestampPanel } from '../components/Timestamp';
import { TransferPanel } from '../components/TransferPanel';

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
  const loadInfo = useCallback(() => void call(api().getAppInfo()).then((result) => result.ok && setInfo(result.value)), []);
  useEffect(loadInfo, [loadInfo]);
  // A restore may bring another schema version: the facts are read again, and the application reloads.
  const restored = () => {
    loadInfo();
    onRestored();
  };
  // Remounting the backups list after a transfer shows the safety backup it just took.
  const [backupsKey, setBackupsKey] = useState(0);

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
      <h2 className="fr-h4 fr-mt-6w">Emplacement des données et changement de poste</h2>
      <TransferPanel
        info={info}
        onRestored={() => {
          setBackupsKey((key) => key + 1);
          restored();
        }}
      />
      <h2 className="fr-h4 fr-mt-6w">Autorités de certification de confiance</h2>
      <TrustedRootsPanel />
      <h2 className="fr-h4 fr-mt-6w">Carte agent / clé USB de signature</h2>
      <SigningModulePanel />
      <h2 className="fr-h4 fr-mt-6w">Horodatage des signatures</h2>
      <TimestampPanel />
      <h2 className="fr-h4 fr-mt-6w">Sauvegardes</h2>
      <BackupsPanel key={backupsKey} onRestored={restored} />
    </section>
  );
}
