/**
 * `strata flow check [files...]`: checks flow files without a database — the
 * warehouse's flows/ by default. Two passes, each reporting every problem as
 * `file:line:column: message`:
 *   types        the TypeScript compiler, when installed (flow-typecheck.ts);
 *   definitions  each file loaded as the scheduler loads it: defineFlow validates the
 *                tasks and builds the graph (ids, references, cycles, schedules,
 *                params), and flow ids must be unique across the files.
 * Exits 1 when either finds a problem.
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import { findWarehouse, readWarehouse } from '../catalog/index.js';
import { InvalidArgumentError } from '../core/index.js';
import { listFlowFiles, loadFlowFile, type FlowDefinition } from '../flows/index.js';
import { FlowCheckFailedError } from './errors.js';
import { findTypescript, typecheckFlows, typescriptSearchPath, type TypeProblem } from './flow-typecheck.js';
import { sourceLocation } from './source-location.js';

interface CheckOptions {
  readonly warehouse?: string;
  readonly flows?: string;
  readonly types: boolean;
}

export function registerFlowCheckCommand(flow: Command): void {
  flow
    .command('check')
    .description(
      "type-check flow files and validate their definitions (default: the warehouse's flows/); no database needed",
    )
    .argument('[files...]', 'flow files to check (default: every flow file in the flows folder)')
    .option('--warehouse <dir>', 'the warehouse (default: found from the current directory or STRATA_WAREHOUSE)')
    .option('--flows <dir>', "the flows folder (default: the warehouse's flows/)")
    .option('--no-types', 'skip the TypeScript type check (only load and validate the definitions)')
    .action(async (files: string[], options: CheckOptions) => {
      const { targets, warehouse } = await checkTargets(files, options);
      const problems: TypeProblem[] = [];
      const notes: string[] = [];
      if (options.types) {
        const ts = findTypescript(typescriptSearchPath(warehouse));
        if (ts === undefined)
          notes.push(
            'types: not checked, TypeScript is not installed here; install it in the warehouse (npm install --save-dev typescript) to check them.',
          );
        else {
          problems.push(...typecheckFlows(ts, targets));
          notes.push(`types: checked with TypeScript ${ts.version}`);
        }
      }
      const defined = new Map<string, string>();
      for (const file of targets) {
        let flows: FlowDefinition[];
        try {
          flows = await loadFlowFile(file);
        } catch (error) {
          // The file is named at the start of the line already.
          const message = (error as Error).message.replace(` (in ${file})`, '');
          problems.push({ file, ...sourceLocation(error, file), message });
          continue;
        }
        for (const flow of flows) {
          const first = defined.get(flow.id);
          if (first !== undefined)
            problems.push({
              file,
              line: 0,
              column: 0,
              message: `flow id "${flow.id}" is also defined in ${displayPath(first)}; give each flow its own id.`,
            });
          else defined.set(flow.id, file);
        }
      }
      problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
      for (const problem of problems) process.stdout.write(`${problemText(problem)}\n`);
      for (const note of notes) process.stderr.write(`${note}\n`);
      const summary = `${targets.length} flow file${targets.length === 1 ? '' : 's'}, ${defined.size} flow${defined.size === 1 ? '' : 's'}`;
      if (problems.length > 0) throw new FlowCheckFailedError(problems.length, summary);
      process.stdout.write(`ok: ${summary} (${[...defined.keys()].join(', ')})\n`);
    });
}

async function checkTargets(
  files: readonly string[],
  options: CheckOptions,
): Promise<{ targets: string[]; warehouse: string | undefined }> {
  const warehouse = options.warehouse === undefined ? optionalWarehouse() : requiredWarehouse(options.warehouse);
  if (files.length > 0) return { targets: files.map((file) => path.resolve(file)), warehouse };
  const folder =
    options.flows !== undefined
      ? path.resolve(options.flows)
      : path.join(warehouse ?? findWarehouse().directory, 'flows');
  const targets = await listFlowFiles(folder);
  if (targets.length === 0)
    throw new InvalidArgumentError(
      `No flow files in ${folder}: put flows there (the README's "Writing a flow" shows one), or name files: strata flow check flows/orders.ts.`,
      { folder },
    );
  return { targets, warehouse };
}

function optionalWarehouse(): string | undefined {
  try {
    return findWarehouse().directory;
  } catch {
    return undefined;
  }
}

function requiredWarehouse(directory: string): string {
  const warehouse = readWarehouse(path.resolve(directory));
  if (warehouse === undefined)
    throw new InvalidArgumentError(`--warehouse ${directory} is not a warehouse; create it with \`strata init\`.`, {
      directory,
    });
  return warehouse.directory;
}

function problemText(problem: TypeProblem): string {
  const where =
    problem.line > 0 ? `${displayPath(problem.file)}:${problem.line}:${problem.column}` : displayPath(problem.file);
  return `${where}: ${problem.message}`;
}

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
