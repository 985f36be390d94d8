import { Fragment, useCallback, useEffect, useRef, useState } from 'react';
import type { BackupInfo } from '../../../shared/domain/types';
import { formatDateTime } from '../../../shared/format/fr';
import type { ApiError } from '../../../shared/ipc/result';
import { api, call } from '../api';
import { backupReasonLabel, formatFileSize, restoreSuccessMessage } from '../../../shared/format/journal';
import { ErrorAlert, SuccessNotice } from './ErrorAlert';

type Busy = null | { kind: 'backup' } | { kind: 'restore'; name: string };

/**
 * The backups folder (Paramètres, under « Sauvegardes »): list, back up now,
 * restore one after an inline confirmation. The current state is always
 * saved by main before a restore; `onRestored` lets the application reload.
 */
export function BackupsPanel({ onRestored }: { onRestored: () => void }) {
  const [backups, setBackups] = useState<readonly BackupInfo[] | null>(null);
  const [confirming, setConfirming] = useState<BackupInfo | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<{ error: ApiError; title: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [fresh, setFresh] = useState<string | null>(null);
  const confirmTitle = useRef<HTMLHeadingElement>(null);
  /** The « Restaurer » button that opened the confirmation, focused again when it is cancelled. */
  const opener = useRef<HTMLButtonElement | null>(null);

  const reload = useCallback(async () => {
    const result = await call(api().listBackups());
    if (result.ok) setBackups(result.value);
    else setError({ error: result.error, title: 'Lecture des sauvegardes impossible' });
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  // The confirmation is read out and reachable at once with the keyboard.
  useEffect(() => {
    if (confirming) confirmTitle.current?.focus();
  }, [confirming]);

  const backupNow = async () => {
    setBusy({ kind: 'backup' });
    setError(null);
    setNotice(null);
    setConfirming(null);
    const result = await call(api().backupNow());
    setBusy(null);
    if (result.ok) {
      setFresh(result.value.name);
      setNotice(`Sauvegarde du ${formatDateTime(result.value.at)} effectuée (${result.value.name}).`);
    } else {
      setError({ error: result.error, title: 'Sauvegarde impossible' });
    }
    await reload();
  };

  const cancel = () => {
    setConfirming(null);
    opener.current?.focus();
  };

  const restore = async (backup: BackupInfo) => {
    setBusy({ kind: 'restore', name: backup.name });
    setError(null);
    setNotice(null);
    const result = await call(api().restoreBackup({ name: backup.name }));
    setBusy(null);
    setConfirming(null);
    if (result.ok) {
      setFresh(result.value.safetyBackup);
      setNotice(restoreSuccessMessage(backup.at, result.value.safetyBackup));
    } else {
      setError({ error: result.error, title: 'Restauration impossible' });
    }
    await reload();
    // Even a failed restore reopens the database: the application reloads in both cases.
    onRestored();
  };

  return (
    <div data-testid="backups-panel">
      <p>
        Une sauvegarde de la base est faite à chaque démarrage de l'application, avant chaque migration, import ou
        restauration. Les plus anciennes sont supprimées automatiquement (les 10 dernières et une par jour sur 30 jours
        sont gardées).
      </p>
      <ErrorAlert error={error?.error ?? null} title={error?.title} />
      <SuccessNotice message={notice} />
      <button className="fr-btn fr-mb-3w" type="button" disabled={busy !== null} onClick={() => void backupNow()}>
        {busy?.kind === 'backup' ? 'Sauvegarde en cours…' : 'Sauvegarder maintenant'}
      </button>

      {backups === null && !error && <p>Chargement…</p>}
      {backups !== null && backups.length === 0 && (
        <div className="fr-alert fr-alert--info fr-alert--sm fr-mb-3w">
          <p>Aucune sauvegarde pour l'instant.</p>
        </div>
      )}
      {backups !== null && backups.length > 0 && (
        <div className="fr-table fr-table--no-caption">
          <table data-testid="backups-table">
            <caption>Sauvegardes</caption>
            <thead>
              <tr>
                <th scope="col">Date et heure</th>
                <th scope="col">Motif</th>
                <th scope="col">Taille</th>
                <th scope="col">Fichier</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {backups.map((backup) => {
                const when = formatDateTime(backup.at);
                const open = confirming?.name === backup.name;
                return (
                  <Fragment key={backup.name}>
                    <tr data-backup-name={backup.name}>
                      <td>
                        {when}
                        {fresh === backup.name && <span className="fr-badge fr-badge--sm fr-badge--new fr-ml-1w">nouvelle</span>}
                      </td>
                      <td>{backupReasonLabel(backup.reason)}</td>
                      <td>{formatFileSize(backup.sizeBytes)}</td>
                      <td>
                        <span className="fr-text--xs">{backup.name}</span>
                      </td>
                      <td>
                        <button
                          type="button"
                          className="fr-btn fr-btn--tertiary fr-btn--sm"
                          aria-label={`Restaurer la sauvegarde du ${when} (${backupReasonLabel(backup.reason).toLowerCase()})`}
                          aria-expanded={open}
                          disabled={busy !== null}
                          onClick={(event) => {
                            opener.current = event.currentTarget;
                            setNotice(null);
                            setError(null);
                            setConfirming(open ? null : backup);
                          }}
                        >
                          Restaurer
                        </button>
                      </td>
                    </tr>
                    {open && (
                      <tr>
                        <td colSpan={5}>
                          <div
                            className="fr-alert fr-alert--warning fr-my-1w"
                            role="group"
                            aria-labelledby="backup-confirm-title"
                            data-testid="restore-confirmation"
                            onKeyDown={(event) => {
                              if (event.key === 'Escape' && busy === null) cancel();
                            }}
                          >
                            <h3 id="backup-confirm-title" className="fr-alert__title" tabIndex={-1} ref={confirmTitle}>
                              Restaurer la sauvegarde du {when} ?
                            </h3>
                            <p>
                              {`Les données actuelles seront remplacées par celles de cette sauvegarde (${backup.name}). `}
                              L'état actuel est d'abord sauvegardé : il restera dans cette liste et vous pourrez y revenir.
                            </p>
                            <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-mt-2w">
                              <li>
                                <button
                                  type="button"
                                  className="fr-btn fr-btn--sm"
                                  disabled={busy !== null}
                                  onClick={() => void restore(backup)}
                                >
                                  {busy?.kind === 'restore' ? 'Restauration en cours…' : 'Confirmer la restauration'}
                                </button>
                              </li>
                              <li>
                                <button
                                  type="button"
                                  className="fr-btn fr-btn--secondary fr-btn--sm"
                                  disabled={busy !== null}
                                  onClick={cancel}
                                >
                                  Annuler
                                </button>
                              </li>
                            </ul>
                          </div>
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
