import { useCallback, useEffect, useState } from 'react';
import { formatDate, plural } from '../../../shared/format/fr';
import { QRR_WAVE_LABELS, SECURITY_ZONE_LABELS, type Commune, type Qrr } from '../../../shared/domain/types';
import type { ApiError } from '../../../shared/ipc/result';
import { api, call } from '../api';
import { ErrorAlert, SuccessNotice } from '../components/ErrorAlert';
import { QrrForm, type QrrDraft } from '../components/QrrForm';

const draftOf = (qrr: Qrr): QrrDraft => ({
  name: qrr.name,
  communes: qrr.communes.map((c) => c.code),
  qpvCodes: [...qrr.qpvCodes],
  securityZone: qrr.securityZone,
  wave: qrr.wave,
  deleguePrefet: qrr.deleguePrefet,
  referents: qrr.referents,
  population: qrr.population,
  notes: qrr.notes,
});

type Editing = { kind: 'none' } | { kind: 'create' } | { kind: 'edit'; qrr: Qrr };

/** Lists, creates, edits (name, communes), archives and restores the département's QRRs. */
export function Quartiers({ communes, onChanged }: { communes: readonly Commune[]; onChanged: () => void }) {
  const [qrrs, setQrrs] = useState<readonly Qrr[] | null>(null);
  const [includeArchived, setIncludeArchived] = useState(false);
  const [editing, setEditing] = useState<Editing>({ kind: 'none' });
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const result = await call(api().listQrrs({ includeArchived }));
    if (result.ok) setQrrs(result.value);
    else setError(result.error);
  }, [includeArchived]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const done = async (message: string) => {
    setEditing({ kind: 'none' });
    setError(null);
    setNotice(message);
    await reload();
    onChanged();
  };

  const remove = async (qrr: Qrr) => {
    const result = await call(api().deleteQrr({ id: qrr.id }));
    if (result.ok) await done(`« ${qrr.name} » est supprimé.`);
    else setError(result.error);
  };

  const toggleArchive = async (qrr: Qrr) => {
    const archived = qrr.archivedAt !== null;
    const result = await call(archived ? api().restoreQrr({ id: qrr.id }) : api().archiveQrr({ id: qrr.id }));
    if (result.ok) await done(archived ? `« ${qrr.name} » est restauré.` : `« ${qrr.name} » est archivé.`);
    else setError(result.error);
  };

  const active = qrrs?.filter((q) => q.archivedAt === null).length ?? 0;

  return (
    <section aria-labelledby="quartiers-title">
      <h1 id="quartiers-title">Quartiers de reconquête républicaine</h1>
      <p className="fr-text--lead">
        {qrrs === null ? 'Chargement…' : `${plural(active, 'quartier suivi', 'quartiers suivis')} dans le département.`}
      </p>
      <ErrorAlert error={error} title="Action refusée" />
      <SuccessNotice message={notice} />

      {editing.kind === 'none' && (
        <button className="fr-btn fr-mb-3w" type="button" onClick={() => { setNotice(null); setEditing({ kind: 'create' }); }}>
          Nouveau quartier
        </button>
      )}
      {editing.kind === 'create' && (
        <div className="fr-card fr-p-3w fr-mb-3w">
          <h2 className="fr-h4">Nouveau quartier</h2>
          <QrrForm
            communes={communes}
            submitLabel="Créer le quartier"
            onCancel={() => setEditing({ kind: 'none' })}
            onSubmit={async (draft) => {
              const result = await call(api().createQrr(draft));
              if (result.ok) await done(`« ${result.value.name} » est créé.`);
              return result;
            }}
          />
        </div>
      )}
      {editing.kind === 'edit' && (
        <div className="fr-card fr-p-3w fr-mb-3w">
          <h2 className="fr-h4">Modifier « {editing.qrr.name} »</h2>
          <QrrForm
            key={editing.qrr.id}
            communes={communes}
            initial={draftOf(editing.qrr)}
            submitLabel="Enregistrer les modifications"
            onCancel={() => setEditing({ kind: 'none' })}
            onSubmit={async (draft) => {
              const result = await call(api().updateQrr({ id: editing.qrr.id, ...draft }));
              if (result.ok) await done(`« ${result.value.name} » est enregistré.`);
              return result;
            }}
          />
        </div>
      )}

      <div className="fr-checkbox-group fr-mb-2w">
        <input
          id="show-archived"
          type="checkbox"
          checked={includeArchived}
          onChange={(event) => setIncludeArchived(event.target.checked)}
        />
        <label className="fr-label" htmlFor="show-archived">
          Afficher les quartiers archivés
        </label>
      </div>

      {qrrs && qrrs.length > 0 && (
        <div className="fr-table fr-table--no-caption">
          <table data-testid="qrr-table">
            <caption>Quartiers</caption>
            <thead>
              <tr>
                <th scope="col">Nom</th>
                <th scope="col">Communes</th>
                <th scope="col">QPV</th>
                <th scope="col">Zone, vague</th>
                <th scope="col">Créé le</th>
                <th scope="col">Modifié le</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {qrrs.map((qrr) => (
                <tr key={qrr.id} data-qrr-id={qrr.id}>
                  <td>
                    {qrr.name}
                    {qrr.archivedAt && (
                      <span className="fr-badge fr-badge--sm fr-ml-1w" title={`Archivé le ${formatDate(qrr.archivedAt)}`}>
                        archivé
                      </span>
                    )}
                  </td>
                  <td>{qrr.communes.length === 0 ? '—' : qrr.communes.map((c) => c.nom).join(', ')}</td>
                  <td>{qrr.qpvCodes.length === 0 ? '—' : qrr.qpvCodes.join(', ')}</td>
                  <td>
                    {[qrr.securityZone && SECURITY_ZONE_LABELS[qrr.securityZone], qrr.wave && QRR_WAVE_LABELS[qrr.wave]]
                      .filter(Boolean)
                      .join(', ') || '—'}
                  </td>
                  <td>{formatDate(qrr.createdAt)}</td>
                  <td>{formatDate(qrr.updatedAt)}</td>
                  <td>
                    <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
                      {qrr.archivedAt === null && (
                        <li>
                          <button
                            type="button"
                            className="fr-btn fr-btn--secondary fr-btn--sm"
                            aria-label={`Modifier ${qrr.name}`}
                            onClick={() => { setNotice(null); setEditing({ kind: 'edit', qrr }); }}
                          >
                            Modifier
                          </button>
                        </li>
                      )}
                      <li>
                        <button
                          type="button"
                          className="fr-btn fr-btn--tertiary fr-btn--sm"
                          aria-label={`${qrr.archivedAt ? 'Restaurer' : 'Archiver'} ${qrr.name}`}
                          onClick={() => void toggleArchive(qrr)}
                        >
                          {qrr.archivedAt ? 'Restaurer' : 'Archiver'}
                        </button>
                      </li>
                      {!qrr.hasData && (
                        <li>
                          <button
                            type="button"
                            className="fr-btn fr-btn--tertiary-no-outline fr-btn--sm"
                            aria-label={`Supprimer ${qrr.name}`}
                            title="Possible tant qu'aucune donnée n'a été saisie pour ce quartier"
                            onClick={() => void remove(qrr)}
                          >
                            Supprimer
                          </button>
                        </li>
                      )}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
