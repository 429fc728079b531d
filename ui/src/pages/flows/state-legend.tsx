/** What each colour of the grid and the Gantt means. */
import { LEGEND_STATES, stateColor } from './state-colors';

export function StateLegend() {
  return (
    <ul className="flows-legend" aria-label="State colours">
      {LEGEND_STATES.filter((s) => s !== 'none').map((state) => (
        <li key={state}>
          <span className="flows-dot" style={{ background: stateColor(state) }} />
          {state}
        </li>
      ))}
    </ul>
  );
}
