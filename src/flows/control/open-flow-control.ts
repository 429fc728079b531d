/**
 * Opening FlowControl the way every `strata flow` command does: the warehouse's
 * database directly when this process can (a PostgreSQL server, or an embedded
 * database nobody holds); when another process holds the embedded database and
 * serves its control socket (`strata up`, `serve`), through that process, whose
 * scheduler and workers are woken in-process. A holder without a control socket
 * (e.g. `strata sql`) only lends its database (MetaKind.proxied): flows are then
 * run here, as when nobody holds it.
 */
import * as path from 'node:path';
import { findWarehouse } from '../../catalog/index.js';
import { isStrataError } from '../../core/index.js';
import { MetaKind, type MetaErrorCode } from '../../meta/index.js';
import { ControlClient } from './control-client.js';
import { controlSocketPath, type FlowControl } from './flow-control.js';
import { FlowSystem, type FlowSystemOptions } from '../flow-system.js';
import { LocalFlowControl } from './local-flow-control.js';

export async function openFlowControl(options: FlowSystemOptions = {}): Promise<FlowControl> {
  let system: FlowSystem;
  try {
    system = await FlowSystem.open(options);
  } catch (error) {
    // Held by a process that serves neither the database nor a control socket (an older Strata).
    if (!isStrataError(error, 'META_LOCKED' satisfies MetaErrorCode)) throw error;
    const client = await ControlClient.connect(controlSocketPath(warehouseDirectory(options)));
    if (client === undefined) throw error;
    return client;
  }
  if (system.queue.meta.kind !== MetaKind.proxied) return new LocalFlowControl(system, true);
  const client = await ControlClient.connect(controlSocketPath(system.warehouse));
  if (client === undefined) return new LocalFlowControl(system, true);
  await system.close();
  return client;
}

function warehouseDirectory(options: FlowSystemOptions): string {
  return options.warehouse !== undefined
    ? path.resolve(options.cwd ?? process.cwd(), options.warehouse)
    : findWarehouse({
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        ...(options.env === undefined ? {} : { env: options.env }),
      }).directory;
}

/**
 * True when `control` uses an embedded database with no scheduler or worker of another
 * process behind it: held here, or lent by a holder that serves no control socket
 * (openFlowControl goes through the control socket when there is one). Then no other
 * process runs its tasks.
 */
export function isLocalEmbedded(control: FlowControl): control is LocalFlowControl {
  return control instanceof LocalFlowControl && control.system.queue.meta.kind !== MetaKind.server;
}
