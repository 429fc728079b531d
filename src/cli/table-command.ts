/**
 * `strata table <command> <path>`: create, append, inspect and maintain one Delta table
 * by path or URI; `register`/`unregister` name one in the warehouse's catalog. Each
 * command is a thin call into the lake or catalog module.
 */
import type { Command } from 'commander';
import { registerInspectCommands } from './table-inspect-commands.js';
import { registerMaintenanceCommands } from './table-maintenance-commands.js';
import { registerRegisterCommands } from './table-register-commands.js';
import { registerWriteCommands } from './table-write-commands.js';

export function registerTableCommand(program: Command): void {
  const table = program.command('table').description('create, append to, inspect and maintain Delta tables');
  registerWriteCommands(table);
  registerInspectCommands(table);
  registerMaintenanceCommands(table);
  registerRegisterCommands(table);
}
