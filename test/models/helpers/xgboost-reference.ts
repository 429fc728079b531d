/**
 * Runs test/models/xgboost-reference.py with Debian's python3-xgboost, the independent
 * reference for the model formats. Without python3 xgboost the suites are skipped locally
 * (named with the reason) and fail under CI, where .ci/run installs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '..', 'xgboost-reference.py');

/** STRATA_PYTHON, else Debian's /usr/bin/python3 (a pyenv shim's python3 lacks Debian's packages), else python3. */
export const PYTHON = process.env['STRATA_PYTHON'] ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

function xgboostVersion(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import xgboost, numpy; print(xgboost.__version__)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

export const XGBOOST_VERSION = xgboostVersion();
const MISSING = `${PYTHON} cannot import xgboost (apt-get install python3-xgboost python3-sklearn)`;

/** `describe` when the reference is there; otherwise a skip locally and a failure under CI. */
export function describeWithXgboost(title: string, body: () => void): void {
  describe(title, () => {
    if (XGBOOST_VERSION !== undefined) return body();
    if (process.env['CI'] === 'true' || process.env['CI'] === '1') {
      it('has python3-xgboost to compare against', () => {
        throw new Error(`${MISSING}. CI must run this suite (.ci/run installs it).`);
      });
    } else {
      it.skip(`skipped: ${MISSING}`, () => {});
    }
  });
}

/** Runs the reference script; returns what it printed on stdout. */
export function runReference(...args: string[]): string {
  return execFileSync(PYTHON, [SCRIPT, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 1_200_000,
  });
}
