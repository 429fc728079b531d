/**
 * The tests' one door into monitoring: its public entry (src/models/monitoring/index.ts,
 * joined into src/models by the lead) plus the error check the tests share.
 */
import { isStrataError } from '../../../src/core/index.js';
import { MonitoringErrorCode } from '../../../src/models/monitoring/index.js';

export * from '../../../src/models/monitoring/index.js';

export function isStrataErrorOfMonitoring(error: unknown): boolean {
  return isStrataError(error, ...(Object.keys(MonitoringErrorCode) as (keyof typeof MonitoringErrorCode)[]));
}
