/**
 * `strata table <command> <path>`: create, append, inspect and maintain one Delta table
 * by path or URI. Each command is a thin call into the lake module.
 */
import type { Command } from 'commander';
import { registerInspectCommands } from './table-inspect-commands.js';
import { registerMaintenanceCommands } from './table-maintenance-commands.js';
import { registerWriteCommands } from './table-write-commands.js';

export function registerTableCommand(program: Command): void {
  const table = program.command('table').description('create, append to, inspect and maintain Delta tables');
  registerWriteCommands(table);
  registerInspectCommands(table);
  registerMaintenanceCommands(table);
}
