/**
 * Renders a ProgressReporter on stderr. On a terminal it is one line rewritten in
 * place (with the elapsed time ticking even when the library reports nothing for a
 * while, as during one long DuckDB COPY); otherwise, for logs and pipes, once the work
 * has taken a second, a line when the step changes or finishes and one every few
 * seconds while it runs. stdout stays clean for
 * results.
 */
import type { ProgressReporter } from '../core/index.js';

export interface ProgressLine extends ProgressReporter {
  /** Clears the line (TTY) and stops the clock; call when the work ends, also on failure. */
  stop(): void;
}

const TTY_REFRESH_MS = 200;
const LOG_INTERVAL_MS = 5_000;
const QUIET_MS = 1_000;

export function progressLine(stream: NodeJS.WriteStream = process.stderr): ProgressLine {
  const started = Date.now();
  let state: { label: string; done: number; total?: number } | undefined;
  let lastLogged = 0;
  let lastLabel = '';
  const text = () => {
    if (!state) return '';
    const { label, done, total } = state;
    const count = total === undefined ? (done > 0 ? `: ${done}` : '') : `: ${done}/${total}`;
    const percent = total ? ` (${Math.floor((100 * done) / total)}%)` : '';
    return `${label}${count}${percent} · ${((Date.now() - started) / 1000).toFixed(1)}s`;
  };
  const draw = () => {
    if (state) stream.write(`\r\x1b[2K${text()}`);
  };
  const log = (force: boolean) => {
    const now = Date.now();
    // Work that finishes quickly leaves no trace in logs.
    if (!state || now - started < QUIET_MS || (!force && now - lastLogged < LOG_INTERVAL_MS)) return;
    stream.write(`${text()}\n`);
    lastLogged = now;
    lastLabel = state.label;
  };
  // The clock keeps the line alive while one step runs long without reporting.
  const timer = setInterval(
    () => (stream.isTTY ? draw() : log(false)),
    stream.isTTY ? TTY_REFRESH_MS : LOG_INTERVAL_MS,
  );
  timer.unref();
  return {
    update(label, done, total) {
      state = total === undefined ? { label, done } : { label, done, total };
      if (stream.isTTY) draw();
      else log(label !== lastLabel || (total !== undefined && done === total));
    },
    stop() {
      clearInterval(timer);
      if (stream.isTTY && state) stream.write('\r\x1b[2K');
      state = undefined;
    },
  };
}

/** Runs `work` with a progress line, stopping it however the work ends. */
export async function withProgress<T>(work: (progress: ProgressReporter) => Promise<T>): Promise<T> {
  const progress = progressLine();
  try {
    return await work(progress);
  } finally {
    progress.stop();
  }
}
