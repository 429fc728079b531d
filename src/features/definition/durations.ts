/** TTLs as written in definitions (`'90s'`, `'15m'`, `'12h'`, `'7d'`, or milliseconds) and as stored (ms). */
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd' | 'w'}`;

/** Milliseconds of a duration, or undefined when it is not one (the caller names the field). */
export function durationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(value.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : undefined;
}
