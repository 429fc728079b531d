/**
 * One colour per task and run state, as Airflow's grid and Gantt use them (so its users
 * read ours at a glance), chosen to read on the light and the dark theme alike. Text on
 * a coloured cell is never the only sign: cells also carry the state as their label.
 */
const COLORS: Readonly<Record<string, string>> = {
  none: 'transparent',
  scheduled: '#d2b48c',
  queued: '#808080',
  running: '#32cd32',
  success: '#008000',
  failed: '#ff0000',
  up_for_retry: '#ffd700',
  upstream_failed: '#ffa500',
  skipped: '#ff69b4',
  deferred: '#9370db',
  removed: '#d3d3d3',
  cancelled: '#8b4513',
};

export function stateColor(state: string): string {
  return COLORS[state] ?? '#a0a0a0';
}

/** States in the legend's order. */
export const LEGEND_STATES = Object.keys(COLORS);
