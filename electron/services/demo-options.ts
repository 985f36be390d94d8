/**
 * The demonstration's names and options, apart from its generator (demo.ts):
 * the command line prints them in its help without loading the services.
 */
/** Audit origin of the demonstration's entries when run from the CLI. */
export const DEMO_ORIGIN = 'demo';
export const DEMO_SCALES = ['departement', 'national'] as const;
export type DemoScale = (typeof DEMO_SCALES)[number];
/** The year of the circular n° 6280/SG. */
export const DEFAULT_DEMO_SEED = 2021;
export const DEMO_DEPARTEMENT = '93';
export const DEMO_PREFET_NAME = 'Préfet (démonstration)';
export const DEMO_COORDINATOR_NAME = 'Coordinatrice de démonstration';
/** Every QRR the demonstration creates carries this marker in its name. */
export const DEMO_MARKER = 'démonstration';
export const DEMO_NOT_EMPTY_MESSAGE =
  "La base contient déjà des données : la démonstration ne s'installe que dans une base vide.";
