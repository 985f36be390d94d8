/**
 * One place for fast-check's randomness (vitest setup file).
 *
 * - `npm test` (and CI) runs every property with the same fixed seed: a
 *   property that fails 1 time in 20 must not make CI fail 1 time in 20.
 * - `FC_SEED=<n>` replays a given seed (fast-check prints the seed and the
 *   shrink path of every failure).
 * - `npm run test:fuzz` (scripts/fuzz.mjs) sets `QRR_FUZZ=1`: a random seed,
 *   printed at start, and 10× the runs of every property ({@link runs}).
 *
 * Known counterexamples stay in the tests as `examples`, so they run first
 * whatever the seed.
 */
import fc from 'fast-check';
import { FIXED_SEED, fuzzing } from './property';

const fromEnv = process.env.FC_SEED !== undefined && process.env.FC_SEED !== '' ? Number(process.env.FC_SEED) : undefined;
const seed = fromEnv ?? (fuzzing ? (Math.random() * 2 ** 31) | 0 : FIXED_SEED);
if (fuzzing || fromEnv !== undefined) process.stdout.write(`fast-check seed: ${seed}${fuzzing ? ' (fuzz: 10× runs)' : ''}\n`);

fc.configureGlobal({ seed, numRuns: fuzzing ? 1000 : 100 });
