/**
 * Opening FlowControl the way every `strata flow` command does: the warehouse's
 * database directly when this process can (a PostgreSQL server, or an embedded
 * database nobody holds); when another process holds the embedded database
 * (META_LOCKED) and serves its control socket, through that process.
 */
import * as path from 'node:path';
import { findWarehouse } from '../../catalog/index.js';
import { isStrataError } from '../../core/index.js';
import type { MetaErrorCode } from '../../meta/index.js';
import { ControlClient } from './control-client.js';
import { controlSocketPath, type FlowControl } from './flow-control.js';
import { FlowSystem, type FlowSystemOptions } from '../flow-system.js';
import { LocalFlowControl } from './local-flow-control.js';

export async function openFlowControl(options: FlowSystemOptions = {}): Promise<FlowControl> {
  try {
    return new LocalFlowControl(await FlowSystem.open(options), true);
  } catch (error) {
    if (!isStrataError(error, 'META_LOCKED' satisfies MetaErrorCode)) throw error;
    const directory =
      options.warehouse !== undefined
        ? path.resolve(options.cwd ?? process.cwd(), options.warehouse)
        : findWarehouse({
            ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
            ...(options.env === undefined ? {} : { env: options.env }),
          }).directory;
    const client = await ControlClient.connect(controlSocketPath(directory));
    // Held by a process that serves no control socket (e.g. `strata sql`): its own message says who.
    if (client === undefined) throw error;
    return client;
  }
}

/** True when `control` opened an embedded database itself: then no other process can run its tasks. */
export function isLocalEmbedded(control: FlowControl): control is LocalFlowControl {
  return control instanceof LocalFlowControl && control.system.queue.meta.kind === 'embedded';
}
