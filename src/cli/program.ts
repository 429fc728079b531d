/**
 * The `strata` command: argument parsing and the one place that turns failures into
 * messages and exit codes. 0: success; 1: the work failed (a StrataError prints
 * `error: <message>`; the stack only with STRATA_DEBUG=1); 2: the command line was
 * wrong (unknown command or option, missing or malformed argument).
 */
import { Command, CommanderError } from 'commander';
import { STRATA_VERSION, asError, isStrataError } from '../core/index.js';
import { cliMessage } from './cli-hints.js';
import { registerDemoCommand } from './demo-command.js';
import { registerFeaturesCommand } from './features-command.js';
import { registerFlowCommand } from './flow-command.js';
import { registerInitCommand } from './init-command.js';
import { registerMonitorCommand } from './monitor-command.js';
import { registerRoleCommands } from './role-commands.js';
import { registerSampleCommand } from './sample-command.js';
import { registerSqlCommand } from './sql-command.js';
import { registerTableCommand } from './table-command.js';
import { registerTokenCommands } from './token-command.js';

export const ExitCode = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function createProgram(): Command {
  const program = new Command('strata')
    .description('Strata: Delta Lake tables, SQL, pipelines, APIs and ML in one TypeScript system')
    .version(STRATA_VERSION)
    // Program options only before the command, so `table info --version N` is the command's.
    .enablePositionalOptions()
    // Settings are inherited by the subcommands registered after them.
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  registerInitCommand(program);
  registerSampleCommand(program);
  registerSqlCommand(program);
  registerTableCommand(program);
  registerFlowCommand(program);
  registerFeaturesCommand(program);
  registerMonitorCommand(program);
  registerRoleCommands(program);
  registerTokenCommands(program);
  registerDemoCommand(program);
  return program;
}

/** Runs the command line (`process.argv` shape) and returns the exit code; never throws. */
export async function runCli(argv: readonly string[]): Promise<ExitCode> {
  try {
    await createProgram().parseAsync([...argv]);
    return ExitCode.ok;
  } catch (error) {
    return report(error);
  }
}

function report(thrown: unknown): ExitCode {
  const debug = process.env.STRATA_DEBUG === '1';
  // Commander has already printed its message (or the help/version text).
  if (thrown instanceof CommanderError) return thrown.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  const error = asError(thrown);
  // Ctrl-C: the command said what it did; the shell's convention for SIGINT is 128 + 2.
  if (isStrataError(error, 'FLOW_RUN_INTERRUPTED')) return ExitCode.interrupted;
  if (isStrataError(error)) {
    process.stderr.write(`error: ${cliMessage(error)}\n`);
  } else {
    // Not one of ours: an unexpected failure (e.g. DuckDB reading a malformed input file).
    process.stderr.write(`error: ${error.message}\n`);
    if (!debug) process.stderr.write('(set STRATA_DEBUG=1 to see where it came from)\n');
  }
  if (debug) process.stderr.write(`${error.stack ?? ''}${causeText(error)}\n`);
  return ExitCode.failed;
}

function causeText(error: Error): string {
  return error.cause instanceof Error ? `\ncaused by: ${error.cause.stack ?? error.cause.message}` : '';
}
