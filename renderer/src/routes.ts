import { useEffect, useRef, useState } from 'react';
import { askBeforeLeaving, hasPendingEntries } from './leave-guard';

/** The screens of the side navigation, in the order the coordinator's quarter goes. */
export const ROUTES = [
  { id: 'tableau-de-bord', label: 'Tableau de bord' },
  { id: 'quartiers', label: 'Quartiers' },
  { id: 'indicateurs', label: 'Indicateurs' },
  { id: 'actions', label: 'Actions' },
  { id: 'objectifs', label: 'Objectifs' },
  { id: 'credits-fipd', label: 'Crédits FIPD' },
  { id: 'rapports', label: 'Rapports' },
  { id: 'echanges', label: 'Échanges' },
  { id: 'consolidation', label: 'Consolidation nationale' },
  { id: 'journal', label: 'Journal' },
  { id: 'parametres', label: 'Paramètres' },
] as const;

export type RouteId = (typeof ROUTES)[number]['id'];

const DEFAULT_ROUTE: RouteId = 'tableau-de-bord';

const parse = (hash: string): RouteId => {
  // `#/indicateurs?trimestre=…`: what follows « ? » is for the screen (routeParams), not the route.
  const id = hash.replace(/^#\/?/, '').split('?')[0]!;
  const route = ROUTES.find((r) => r.id === id);
  return route ? route.id : DEFAULT_ROUTE;
};

/**
 * The current screen lives in the URL's hash, so a reload (Ctrl+R) stays on
 * it; changing the hash is not a navigation, which the shell forbids.
 * Leaving a screen that holds typed values not saved yet asks first
 * (leave-guard.tsx): the hash is put back until the user chooses.
 */
export function useRoute(): [RouteId, (id: RouteId) => void] {
  const [route, setRoute] = useState<RouteId>(() => parse(window.location.hash));
  const shown = useRef(route);
  shown.current = route;
  useEffect(() => {
    // `target` is the whole hash asked for: its parameters (`?trimestre=…`) are
    // for the next screen, which reads them when it mounts (routeParams).
    const go = (next: RouteId, target: string) => {
      // Without a hashchange: the guard has been answered already.
      if (window.location.hash !== target) history.replaceState(null, '', target);
      setRoute(next);
    };
    const onChange = () => {
      const target = window.location.hash;
      const next = parse(target);
      if (next === shown.current) return;
      if (!hasPendingEntries()) return go(next, target);
      history.replaceState(null, '', `#/${shown.current}`);
      askBeforeLeaving(() => go(next, target));
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return [route, (id) => (window.location.hash = `#/${id}`)];
}

/** The parameters after the screen in the hash (`#/indicateurs?trimestre=2026-T4&quartier=3`). */
export const routeParams = (hash: string = window.location.hash): URLSearchParams => new URLSearchParams(hash.split('?')[1] ?? '');

/** The hash of a screen with parameters, for links (undefined values are left out). */
export function routeHref(id: RouteId, params: Readonly<Record<string, string | number | undefined>> = {}): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, String(v));
  const q = query.toString();
  return `#/${id}${q ? `?${q}` : ''}`;
}
