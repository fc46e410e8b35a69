/**
 * Makes fast-check reproducible in a test file: every property (fc.assert, fc.sample…) runs with
 * the run's seed (test/helpers/fc-seed-plugin.mjs: fixed in CI, FC_SEED to change it). Call once
 * at the top of a test file: `const seed = await useFcSeed();`.
 */
import * as fc from 'fast-check';
import { command } from './command.js';

export async function useFcSeed(): Promise<number> {
  const { seed } = await command<{ seed: number }>('fc-seed', {}, { required: true });
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
  console.log(`fast-check seed ${seed} (FC_SEED=${seed} replays this run)`);
  return seed;
}
