import { ROUTES, type RouteId } from '../routes';

/** DSFR side menu. Screens not built yet are shown, marked « bientôt », and cannot be opened. */
export function SideNav({ current, onNavigate }: { current: RouteId; onNavigate: (id: RouteId) => void }) {
  return (
    <nav className="fr-sidemenu qrr-sidemenu" aria-label="Menu principal">
      <div className="fr-sidemenu__inner">
        <ul className="fr-sidemenu__list">
          {ROUTES.map((route) => {
            const active = route.id === current;
            return (
              <li key={route.id} className={`fr-sidemenu__item${active ? ' fr-sidemenu__item--active' : ''}`}>
                {route.available ? (
                  <a
                    className="fr-sidemenu__link"
                    href={`#/${route.id}`}
                    aria-current={active ? 'page' : undefined}
                    onClick={(event) => {
                      event.preventDefault();
                      onNavigate(route.id);
                    }}
                  >
                    {route.label}
                  </a>
                ) : (
                  <span className="fr-sidemenu__link qrr-sidemenu__link--disabled" aria-disabled="true">
                    {route.label}
                    <span className="fr-badge fr-badge--sm fr-ml-1w">bientôt</span>
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </nav>
  );
}
