/** A source of uniform random numbers in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/**
 * Small seeded generator (mulberry32): the same seed gives the same sequence,
 * so a test or a demo run can be replayed exactly. Not for anything secret.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Waiting time to the next event of a Poisson process with `ratePerHour`
 * events per hour: exponentially distributed, mean 3600 s / rate.
 */
export function exponentialDelayMs(ratePerHour: number, random: RandomSource): number {
  // 1 - u is in (0, 1], so the logarithm is finite.
  return (-Math.log(1 - random()) / ratePerHour) * 3_600_000;
}

/** Picks a key with probability proportional to its weight; undefined when every weight is 0. */
export function weightedPick<K>(weights: ReadonlyArray<readonly [K, number]>, random: RandomSource): K | undefined {
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  if (total <= 0) {
    return undefined;
  }
  let point = random() * total;
  for (const [key, weight] of weights) {
    if (point < weight) {
      return key;
    }
    point -= weight;
  }
  // Floating-point rounding can leave `point` a hair above the last bound.
  return weights.findLast(([, w]) => w > 0)?.[0];
}
