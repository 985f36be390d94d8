/** Property-test settings shared by every test file; see property-setup.ts. */

/** The seed of `npm test` and CI. Changing it is a deliberate act. */
export const FIXED_SEED = 20_261_203;

/** `npm run test:fuzz`: random seed, 10× the runs. */
export const fuzzing = process.env.QRR_FUZZ === '1';

/** A property's number of runs: as written for `npm test`, ten times more when fuzzing. */
export const runs = (n: number): number => (fuzzing ? n * 10 : n);

/** A property test's time limit: ten times longer when fuzzing, since it does ten times the runs. */
export const propertyTimeout = (ms: number): number => (fuzzing ? ms * 10 : ms);
