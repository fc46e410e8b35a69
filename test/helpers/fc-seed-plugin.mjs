// The fast-check seed of a test run, for the property tests in the browser (test/helpers/fc-seed.ts
// asks for it with the `fc-seed` server command). CI uses a fixed seed so a run is reproducible;
// FC_SEED=<integer> replays a run, FC_SEED=random explores with a fresh one. The seed is printed
// when the runner starts, and fast-check prints it (with the failing path) in any failure.

/** The seed when FC_SEED is not set. */
export const DEFAULT_FC_SEED = 20_251_128;

/** Reads FC_SEED: unset/empty → the default, `random` → a fresh 32-bit seed, else an integer. */
export function fcSeedFromEnv(raw = process.env.FC_SEED) {
  const value = (raw ?? '').trim();
  if (value === '') return { seed: DEFAULT_FC_SEED, source: 'the default' };
  if (value === 'random') return { seed: (Math.random() * 2 ** 32) | 0, source: 'FC_SEED=random' };
  const seed = Number(value);
  if (!Number.isSafeInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 32) {
    throw new Error(`FC_SEED must be an integer (a 32-bit seed) or "random", not ${JSON.stringify(raw)}`);
  }
  return { seed: seed | 0, source: 'FC_SEED' };
}

export function fcSeedPlugin() {
  const { seed, source } = fcSeedFromEnv();
  return {
    name: 'fc-seed',
    serverStart() {
      console.log(`fast-check seed ${seed} (${source}; FC_SEED=${seed} replays it, FC_SEED=random explores)`);
    },
    executeCommand({ command }) {
      return command === 'fc-seed' ? { seed } : undefined;
    },
  };
}
