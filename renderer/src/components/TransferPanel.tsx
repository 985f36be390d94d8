import { useEffect, useId, useRef, useState } from 'react';
import type { AppInfo } from '../../../shared/domain/types';
import { formatDate, plural } from '../../../shared/format/fr';
import type { ApiError } from '../../../shared/ipc/result';
import {
  TRANSFER_EXTENSION,
  TRANSFER_MAX_ARCHIVE_BYTES,
  TRANSFER_TOO_LARGE_MESSAGE,
  type TransferExportDto,
  type TransferRestoreDto,
} from '../../../shared/transfer/transfer';
import { api, call } from '../api';
import { fileToBase64 } from '../files';
import { formatFileSize } from '../../../shared/format/journal';
import { ErrorAlert } from './ErrorAlert';

/** Where everything is on this workstation (what IT needs to back up or move by hand). */
export function DataLocations({ info }: { info: AppInfo }) {
  return (
    <dl className="qrr-facts" data-testid="app-info">
      <dt>Base de données</dt>
      <dd>
        <code>{info.databasePath}</code>
      </dd>
      <dt>Dossier des sauvegardes</dt>
      <dd>
        <code>{info.backupDir}</code>
      </dd>
      <dt>Dossier des rapports</dt>
      <dd>
        <code>{info.reportsDir}</code>
      </dd>
      <dt>Dossier des exports</dt>
      <dd>
        <code>{info.exportsDir}</code>
      </dd>
      <dt>Dossier des autorités de confiance</dt>
      <dd>
        <code>{info.trustedRootsDir}</code>
      </dd>
      <dt>Version de l'application</dt>
      <dd>{info.appVersion}</dd>
      <dt>Version du schéma de données</dt>
      <dd>{info.schemaVersion}</dd>
    </dl>
  );
}

/** « Exporter tout »: one archive in the exports folder, its path shown to be copied to the new workstation. */
function ExportEverything() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [written, setWritten] = useState<TransferExportDto | null>(null);
  return (
    <div>
      <p>
        Prépare une archive unique ({TRANSFER_EXTENSION}) contenant la base de données, les rapports, les exports et les
        autorités de confiance, à copier sur le nouveau poste (clé USB ou partage réseau). Les sauvegardes ne sont pas
        incluses : l'archive contient l'état actuel des données.
      </p>
      <ErrorAlert error={error} title="Export impossible" />
      {written && (
        <div className="fr-alert fr-alert--success fr-alert--sm fr-mb-3w" role="status" data-testid="export-everything-result">
          <p>
            Archive enregistrée ({plural(written.files, 'fichier')}, {formatFileSize(written.bytes)}) : <code>{written.path}</code>
          </p>
          <p>Copiez-la sur le nouveau poste, puis choisissez-la dans « Restaurer depuis un autre poste ».</p>
          {written.skipped.length > 0 && (
            <p>
              {plural(written.skipped.length, 'fichier a été laissé', 'fichiers ont été laissés')} de côté, car leur nom ne
              pourrait pas être recréé sur un autre poste : {written.skipped.join(', ')}.
            </p>
          )}
        </div>
      )}
      <button
        type="button"
        className="fr-btn fr-btn--secondary"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          setWritten(null);
          const result = await call(api().exportEverything());
          setBusy(false);
          if (result.ok) setWritten(result.value);
          else setError(result.error);
        }}
      >
        {busy ? 'Export en cours…' : 'Exporter tout'}
      </button>
    </div>
  );
}

type Step = { kind: 'idle' } | { kind: 'confirm'; file: File } | { kind: 'other-departement'; file: File; message: string };

const needsDepartementConfirmation = (error: ApiError): boolean =>
  error.code === 'CONFLICT' && (error.issues ?? []).some((issue) => issue.path === 'confirmOtherDepartement');

/**
 * « Restaurer depuis un autre poste »: choose the archive, confirm in a modal
 * dialog what will be replaced (and confirm again if the archive belongs to
 * another département), then the summary. Main checks the whole archive before
 * changing anything and backs the current database up first.
 */
export function RestoreFromArchive({ onRestored, continueLabel }: { onRestored: () => void; continueLabel?: string }) {
  const id = useId();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [summary, setSummary] = useState<TransferRestoreDto | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (step.kind !== 'idle' && !element.open) element.showModal();
    if (step.kind === 'idle' && element.open) element.close();
  }, [step]);

  const reset = () => {
    setStep({ kind: 'idle' });
    if (input.current) input.current.value = '';
  };

  const choose = (file: File | undefined) => {
    setError(null);
    setSummary(null);
    if (!file) return;
    if (file.size > TRANSFER_MAX_ARCHIVE_BYTES) {
      setError({ code: 'PAYLOAD_TOO_LARGE', message: TRANSFER_TOO_LARGE_MESSAGE });
      if (input.current) input.current.value = '';
      return;
    }
    setStep({ kind: 'confirm', file });
  };

  const restore = async (file: File, confirmOtherDepartement: boolean) => {
    setBusy(true);
    const result = await call(
      api().restoreEverything({ archiveBase64: await fileToBase64(file), fileName: file.name, ...(confirmOtherDepartement ? { confirmOtherDepartement } : {}) }),
    );
    setBusy(false);
    if (!result.ok && !confirmOtherDepartement && needsDepartementConfirmation(result.error)) {
      setStep({ kind: 'other-departement', file, message: result.error.message });
      return;
    }
    reset();
    if (result.ok) {
      setSummary(result.value);
      if (!continueLabel) onRestored();
    } else setError(result.error);
  };

  const titleId = `${id}-titre`;
  return (
    <div data-testid="restore-everything">
      <div className="fr-upload-group fr-mb-2w">
        <label className="fr-label" htmlFor={`${id}-archive`}>
          Archive de transfert ({TRANSFER_EXTENSION})
          <span className="fr-hint-text">
            Rien n'est modifié avant votre confirmation ; la base actuelle est sauvegardée juste avant la restauration.
          </span>
        </label>
        <input
          ref={input}
          className="fr-upload"
          type="file"
          id={`${id}-archive`}
          accept={`${TRANSFER_EXTENSION},application/zip`}
          disabled={busy}
          onChange={(e) => choose(e.target.files?.[0])}
        />
      </div>
      <ErrorAlert error={error} title="Restauration impossible" />
      {summary && (
        <div className="fr-alert fr-alert--success fr-alert--sm fr-mb-3w" role="status" data-testid="restore-everything-summary">
          <h3 className="fr-alert__title">Données restaurées</h3>
          <p>{summary.message}</p>
          <OfferedRoots roots={summary.offeredRoots} />
          {continueLabel && (
            <button type="button" className="fr-btn fr-mt-2w" onClick={onRestored}>
              {continueLabel}
            </button>
          )}
        </div>
      )}
      <dialog
        ref={dialog}
        className="fr-p-4w"
        aria-labelledby={titleId}
        data-testid="restore-everything-dialog"
        onCancel={(event) => {
          // Escape closes the dialog, except while the restore is running.
          event.preventDefault();
          if (!busy) reset();
        }}
      >
        {step.kind !== 'idle' && (
          <>
            <h2 id={titleId} className="fr-h4">
              {step.kind === 'confirm' ? 'Remplacer les données de ce poste ?' : 'Archive d’un autre département'}
            </h2>
            {step.kind === 'confirm' ? (
              <>
                <p>Vous allez restaurer l'archive « {step.file.name} ».</p>
                <ul>
                  <li>
                    La base de données de ce poste (quartiers, trimestres, valeurs, actions, crédits FIPD, journal) sera
                    <strong> remplacée entièrement</strong> par celle de l'archive.
                  </li>
                  <li>
                    Les rapports et exports de l'archive seront ajoutés : aucun fichier de ce poste
                    n'est supprimé ni écrasé (un fichier différent de même nom est gardé, celui de l'archive est enregistré
                    sous un autre nom). Les autorités de confiance de l'archive vous seront présentées une par une, avec
                    leur empreinte : aucune n'est ajoutée sans votre confirmation.
                  </li>
                  <li>
                    Une sauvegarde de la base actuelle est faite juste avant : elle restera dans « Sauvegardes » et vous
                    pourrez y revenir.
                  </li>
                </ul>
                <p>L'archive est entièrement vérifiée avant tout changement : si elle est refusée, rien n'est modifié.</p>
              </>
            ) : (
              <div className="fr-alert fr-alert--warning fr-alert--sm fr-mb-2w">
                <p>{step.message}</p>
              </div>
            )}
            <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--right fr-mt-2w">
              <li>
                <button type="button" className="fr-btn fr-btn--secondary" disabled={busy} autoFocus onClick={reset}>
                  Annuler
                </button>
              </li>
              <li>
                <button
                  type="button"
                  className="fr-btn"
                  disabled={busy}
                  onClick={() => void restore(step.file, step.kind === 'other-departement')}
                >
                  {busy ? 'Restauration en cours…' : step.kind === 'confirm' ? 'Remplacer les données de ce poste' : 'Remplacer quand même'}
                </button>
              </li>
            </ul>
          </>
        )}
      </dialog>
    </div>
  );
}

/** Paramètres › « Emplacement des données et changement de poste ». */
export function TransferPanel({ info, onRestored }: { info: AppInfo | null; onRestored: () => void }) {
  return (
    <div data-testid="transfer-panel">
      {info && <DataLocations info={info} />}
      <h3 className="fr-h5 fr-mt-4w">Exporter tout</h3>
      <ExportEverything />
      <h3 className="fr-h5 fr-mt-4w">Restaurer depuis un autre poste</h3>
      <p>
        Sur le nouveau poste, choisissez l'archive préparée avec « Exporter tout » sur l'ancien : ses données remplacent
        celles de ce poste.
      </p>
      <RestoreFromArchive onRestored={onRestored} />
    </div>
  );
}

/** First run: the data may already exist on the previous workstation. */
export function MoveWorkstationChoice({ onRestored }: { onRestored: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="fr-callout fr-mt-6w">
      <h3 className="fr-callout__title">Vous changez de poste ?</h3>
      <p className="fr-callout__text">
        Si vous suiviez déjà les quartiers sur un autre ordinateur, faites « Exporter tout » dans ses Paramètres, puis
        restaurez ici l'archive obtenue : base de données, rapports, exports et autorités de confiance seront repris.
      </p>
      {open ? (
        <RestoreFromArchive onRestored={onRestored} continueLabel="Voir les quartiers restaurés" />
      ) : (
        <button type="button" className="fr-btn fr-btn--secondary" onClick={() => setOpen(true)}>
          Restaurer depuis un autre poste…
        </button>
      )}
    </div>
  );
}

/**
 * The trusted roots found in a restored archive. None is trusted by the
 * restore: whoever made the archive chose them, and a trusted root makes every
 * report it signs « de confiance ». Each one is confirmed on its own, after
 * checking its SHA-256 fingerprint with its issuer (default: not trusted).
 */
function OfferedRoots({ roots }: { readonly roots: TransferRestoreDto['offeredRoots'] }) {
  const [trusted, setTrusted] = useState<ReadonlySet<string>>(new Set(roots.filter((r) => r.alreadyTrusted).map((r) => r.fingerprint)));
  const [error, setError] = useState<ApiError | null>(null);
  if (roots.length === 0) return null;
  const confirm = async (root: TransferRestoreDto['offeredRoots'][number]) => {
    setError(null);
    const result = await call(api().addTrustedRoot({ certificateBase64: root.certificateBase64 }));
    if (result.ok) setTrusted(new Set([...trusted, root.fingerprint]));
    else setError(result.error);
  };
  return (
    <div data-testid="offered-roots" className="fr-mt-2w">
      <p className="fr-text--bold fr-mb-1w">Autorités de certification proposées par l'archive</p>
      <p className="fr-text--sm">
        Elles ne sont pas ajoutées aux autorités de confiance. Ne confirmez une autorité qu'après avoir vérifié son empreinte
        auprès de son émetteur (service informatique, ANSSI…).
      </p>
      <ErrorAlert error={error} title="Autorité non ajoutée" />
      <ul>
        {roots.map((root) => (
          <li key={root.fingerprint} className="fr-mb-1w">
            {root.subject} — valable jusqu'au {formatDate(root.validTo.slice(0, 10))}
            <br />
            <span className="fr-text--xs">Empreinte SHA-256 : <code>{root.fingerprint.match(/../g)?.join(':').toUpperCase()}</code></span>
            <br />
            {trusted.has(root.fingerprint) ? (
              <span className="fr-badge fr-badge--success fr-badge--sm">De confiance sur ce poste</span>
            ) : (
              <button type="button" className="fr-btn fr-btn--secondary fr-btn--sm" onClick={() => void confirm(root)}>
                Faire confiance à cette autorité
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
