/**
 * The tests' one door into monitoring: its entry (src/models/monitoring/index.ts, which
 * the models entry exports as its `monitoring` group) plus the error check the tests share.
 */
import { isStrataError } from '../../../src/core/index.js';
import { MonitoringErrorCode } from '../../../src/models/index.js';

export * from '../../../src/models/monitoring/index.js';

export function isStrataErrorOfMonitoring(error: unknown): boolean {
  return isStrataError(error, ...(Object.keys(MonitoringErrorCode) as (keyof typeof MonitoringErrorCode)[]));
}
