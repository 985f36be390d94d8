import { ROUTES, type RouteId } from '../routes';

/** DSFR side menu of the application's screens. */
export function SideNav({ current, onNavigate }: { current: RouteId; onNavigate: (id: RouteId) => void }) {
  return (
    <nav className="fr-sidemenu qrr-sidemenu" aria-label="Menu principal">
      <div className="fr-sidemenu__inner">
        <ul className="fr-sidemenu__list">
          {ROUTES.map((route) => {
            const active = route.id === current;
            return (
              <li key={route.id} className={`fr-sidemenu__item${active ? ' fr-sidemenu__item--active' : ''}`}>
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
              </li>
            );
          })}
        </ul>
      </div>
    </nav>
  );
}
