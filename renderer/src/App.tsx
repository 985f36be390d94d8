import { useCallback, useEffect, useState } from 'react';
import type { Commune, Departement, Settings } from '../../shared/domain/types';
import type { Engagement } from '../../shared/referential/types';
import type { ApiError } from '../../shared/ipc/result';
import { api, call } from './api';
import { ErrorAlert } from './components/ErrorAlert';
import { Header } from './components/Header';
import { SideNav } from './components/SideNav';
import { LeaveGuardDialog } from './leave-guard';
import { useOpenedFileRequests } from './opened-file';
import { useRoute } from './routes';
import { Actions } from './screens/Actions';
import { Consolidation } from './screens/Consolidation';
import { CreditsFipd } from './screens/CreditsFipd';
import { Echanges } from './screens/Echanges';
import { FirstRun } from './screens/FirstRun';
import { Indicateurs } from './screens/Indicateurs';
import { Journal } from './screens/Journal';
import { Parametres } from './screens/Parametres';
import { Quartiers } from './screens/Quartiers';
import { Rapports } from './screens/Rapports';
import { Objectifs } from './screens/Objectifs';
import { TableauDeBord } from './screens/TableauDeBord';

interface Loaded {
  settings: Settings | null;
  engagements: readonly Engagement[];
  departements: readonly Departement[];
  communes: readonly Commune[];
  qrrCount: number;
}

export function App() {
  const [state, setState] = useState<Loaded | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [route, navigate] = useRoute();
  // A file opened from outside (double click on a .qrr, Fichier › Importer…) waits in the
  // opened-file store for the Échanges screen; a file that could not be read is reported here.
  const [openError, setOpenError] = useState<ApiError | null>(null);
  useOpenedFileRequests(
    () => {
      setOpenError(null);
      navigate('echanges');
    },
    setOpenError,
  );

  const load = useCallback(async () => {
    const [settings, departements, qrrs, referential] = await Promise.all([
      call(api().getSettings()),
      call(api().listDepartements()),
      call(api().listQrrs({ includeArchived: true })),
      call(api().getReferential()),
    ]);
    if (!settings.ok) return setError(settings.error);
    if (!referential.ok) return setError(referential.error);
    if (!departements.ok) return setError(departements.error);
    if (!qrrs.ok) return setError(qrrs.error);
    let communes: readonly Commune[] = [];
    if (settings.value) {
      const result = await call(api().listCommunes());
      if (!result.ok) return setError(result.error);
      communes = result.value;
    }
    setError(null);
    setState({
      settings: settings.value,
      engagements: referential.value.engagements,
      departements: departements.value,
      communes,
      qrrCount: qrrs.value.length,
    });
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  if (error) {
    return (
      <div className="fr-container fr-my-6w">
        <ErrorAlert error={error} title="Chargement impossible" />
      </div>
    );
  }
  if (!state) {
    return (
      <div className="fr-container fr-my-6w" aria-busy="true">
        Chargement…
      </div>
    );
  }

  const openErrorAlert = openError ? (
    <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-3w" role="alert" data-testid="opened-file-error">
      <h3 className="fr-alert__title">Ouverture du fichier impossible</h3>
      <p>{openError.message}</p>
      <button type="button" className="fr-btn--close fr-btn" title="Masquer le message" onClick={() => setOpenError(null)}>
        Masquer le message
      </button>
    </div>
  ) : null;

  const { settings } = state;
  if (!settings || state.qrrCount === 0) {
    return (
      <>
        <Header settings={settings} />
        <main id="contenu" role="main">
          {openErrorAlert && <div className="fr-container fr-mt-3w">{openErrorAlert}</div>}
          <FirstRun
            settings={settings}
            departements={state.departements}
            communes={state.communes}
            onSettingsSaved={() => void load()}
            onQrrCreated={() => {
              navigate('quartiers');
              void load();
            }}
          />
        </main>
      </>
    );
  }

  const screen = (() => {
    switch (route) {
      case 'tableau-de-bord':
        return <TableauDeBord />;
      case 'indicateurs':
        return <Indicateurs engagements={state.engagements} />;
      case 'actions':
        return <Actions engagements={state.engagements} />;
      case 'rapports':
        return <Rapports />;
      case 'objectifs':
        return <Objectifs />;
      case 'credits-fipd':
        return <CreditsFipd />;
      case 'echanges':
        return <Echanges />;
      case 'consolidation':
        return <Consolidation />;
      case 'journal':
        return <Journal />;
      case 'parametres':
        return (
          <Parametres
            settings={settings}
            departements={state.departements}
            departementLocked={state.qrrCount > 0}
            onSaved={() => void load()}
            onRestored={() => void load()}
          />
        );
      default:
        return <Quartiers communes={state.communes} onChanged={() => void load()} />;
    }
  })();

  return (
    <>
      <Header settings={settings} />
      <div className="qrr-layout">
        <SideNav current={route} onNavigate={navigate} />
        <main id="contenu" role="main" className="qrr-main">
          {openErrorAlert}
          {screen}
        </main>
      </div>
      <LeaveGuardDialog />
    </>
  );
}
