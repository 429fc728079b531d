/** The options every `strata flow` command shares, and opening FlowControl from them. */
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { openFlowControl, type FlowControl } from '../flows/index.js';

export interface ConnectionOptions {
  readonly warehouse?: string;
  readonly flows?: string;
}

export function connectionOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--warehouse <dir>', 'the warehouse (default: found from the current directory or STRATA_WAREHOUSE)'),
    )
    .addOption(new Option('--flows <dir>', "the flows folder (default: the warehouse's flows/)"));
}

/** Runs `work` on the warehouse's FlowControl (local, or through the owner process), closing it after. */
export async function withControl<T>(
  options: ConnectionOptions,
  work: (control: FlowControl) => Promise<T>,
): Promise<T> {
  const control = await openFlowControl({
    ...(options.warehouse === undefined ? {} : { warehouse: options.warehouse }),
    ...(options.flows === undefined ? {} : { flowsDirectory: options.flows }),
  });
  try {
    return await work(control);
  } finally {
    await control.close();
  }
}

/** The flows folder to load: --flows, else (undefined) the one the control's owner uses. */
export function flowsFolder(options: ConnectionOptions): string | undefined {
  return options.flows === undefined ? undefined : path.resolve(options.flows);
}
