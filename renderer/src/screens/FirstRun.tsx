import { useState } from 'react';
import type { Commune, Departement, Settings } from '../../../shared/domain/types';
import type { ApiError } from '../../../shared/ipc/result';
import { ErrorAlert } from '../components/ErrorAlert';
import { Consolidation } from './Consolidation';
import { Echanges } from './Echanges';
import { api, call } from '../api';
import { QrrForm } from '../components/QrrForm';
import { SettingsForm } from '../components/SettingsForm';
import { MoveWorkstationChoice } from '../components/TransferPanel';

/** A fictional dataset to try every screen before entering real figures (only in an empty database). */
function DemoChoice({ onInstalled }: { onInstalled: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <div className="fr-callout fr-mt-6w">
      <h3 className="fr-callout__title">Découvrir avec des données de démonstration</h3>
      <p className="fr-callout__text">
        Installe trois quartiers fictifs de la Seine-Saint-Denis avec huit trimestres de valeurs, de statuts et
        d'appréciations, pour essayer l'application. À faire dans une base d'essai : pour le suivi réel, utilisez une
        base vide.
      </p>
      <ErrorAlert error={error} title="Démonstration non installée" />
      <button
        type="button"
        className="fr-btn fr-btn--secondary"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          const result = await call(api().installDemo());
          setBusy(false);
          if (result.ok) onInstalled();
          else setError(result.error);
        }}
      >
        {busy ? 'Installation…' : 'Installer les données de démonstration'}
      </button>
    </div>
  );
}

/** Or start from the exchange file of a predecessor or colleague (same département). */
function ImportChoice({ onImported }: { onImported: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="fr-callout fr-mt-6w">
      <h3 className="fr-callout__title">Reprendre le fichier d'un collègue</h3>
      <p className="fr-callout__text">
        Si votre prédécesseur ou un collègue vous a transmis un fichier d'échange (.qrr) du département, importez-le : ses
        quartiers, trimestres et valeurs seront repris.
      </p>
      {open ? (
        <Echanges onImported={onImported} />
      ) : (
        <button type="button" className="fr-btn fr-btn--secondary" onClick={() => setOpen(true)}>
          Importer un fichier d'échange
        </button>
      )}
    </div>
  );
}

/**
 * The national task force (SG-CIPDR / ANCT) follows no département of its own:
 * it only consolidates the départements' files, read-only, without setting anything up.
 */
function NationalChoice() {
  const [open, setOpen] = useState(false);
  return (
    <div className="fr-callout fr-mt-6w">
      <h3 className="fr-callout__title">Cellule nationale</h3>
      <p className="fr-callout__text">
        Pour consolider les fichiers d'échange de plusieurs départements (synthèse nationale et son PDF), sans suivre de
        département ni rien enregistrer dans la base.
      </p>
      {open ? (
        <Consolidation />
      ) : (
        <button type="button" className="fr-btn fr-btn--secondary" onClick={() => setOpen(true)}>
          Consolider des fichiers de départements
        </button>
      )}
    </div>
  );
}

/** First start: choose the département, then create the first QRR. */
export function FirstRun({
  settings,
  departements,
  communes,
  onSettingsSaved,
  onQrrCreated,
}: {
  settings: Settings | null;
  departements: readonly Departement[];
  communes: readonly Commune[];
  onSettingsSaved: (settings: Settings) => void;
  onQrrCreated: () => void;
}) {
  const step = settings ? 2 : 1;
  return (
    <div className="fr-container fr-my-6w qrr-first-run">
      <div className="fr-stepper">
        <h2 className="fr-stepper__title">
          {step === 1 ? 'Choisir le département' : 'Créer le premier quartier'}
          <span className="fr-stepper__state">Étape {step} sur 2</span>
        </h2>
        <div className="fr-stepper__steps" data-fr-current-step={step} data-fr-steps="2"></div>
        {step === 1 && <p className="fr-stepper__details">Étape suivante : créer le premier quartier</p>}
      </div>
      {step === 1 ? (
        <>
          <p>
            Bienvenue. Ce tableau de bord suit, trimestre par trimestre, la mise en œuvre de « La République en actes »
            dans les quartiers de reconquête républicaine du département. Commencez par choisir le département.
          </p>
          <SettingsForm
            departements={departements}
            initial={null}
            departementLocked={false}
            submitLabel="Enregistrer et continuer"
            onSubmit={async (draft) => {
              const result = await call(api().saveSettings(draft));
              if (result.ok) onSettingsSaved(result.value);
              return result;
            }}
          />
          <DemoChoice onInstalled={onQrrCreated} />
          <MoveWorkstationChoice onRestored={onQrrCreated} />
          <NationalChoice />
        </>
      ) : (
        <>
          <p>
            Département : <strong>{settings!.departementNom}</strong>. Créez maintenant le premier quartier de reconquête
            républicaine ; les autres pourront être ajoutés depuis l'écran « Quartiers ».
          </p>
          <QrrForm
            communes={communes}
            submitLabel="Créer le quartier"
            onSubmit={async (draft) => {
              const result = await call(api().createQrr(draft));
              if (result.ok) onQrrCreated();
              return result;
            }}
          />
          <ImportChoice onImported={onQrrCreated} />
          <MoveWorkstationChoice onRestored={onQrrCreated} />
        </>
      )}
    </div>
  );
}
