/**
 * Type-checking flow files for `strata flow check`, with the TypeScript compiler when
 * one is installed: the warehouse's own (its node_modules), else the one beside Strata
 * (a clone has it as a development dependency). Strata does not depend on TypeScript at
 * run time (tsx strips types without checking them), so without one the check says how
 * to install it and the definitions are still loaded and validated.
 *
 * Flow files import 'strata' (or 'strata/flows') wherever they live; the check maps
 * those names to this copy's types, as the flow loader maps them to its code.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Ts from 'typescript';

export interface TypeProblem {
  readonly file: string;
  /** 1-based; 0 for problems of the compiler's options. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** The TypeScript compiler found from `directories` (first that has one), or undefined. */
export function findTypescript(directories: readonly string[]): typeof Ts | undefined {
  for (const directory of directories) {
    try {
      return createRequire(path.join(directory, 'package.json'))('typescript') as typeof Ts;
    } catch {
      // Not installed there: try the next place.
    }
  }
  return undefined;
}

/** Where a warehouse's flows and this copy of Strata look for the compiler. */
export function typescriptSearchPath(warehouse: string | undefined): string[] {
  return [...(warehouse === undefined ? [] : [warehouse]), fileURLToPath(new URL('../..', import.meta.url))];
}

export function typecheckFlows(ts: typeof Ts, files: readonly string[]): TypeProblem[] {
  const program = ts.createProgram([...files], compilerOptions(ts));
  const problems: TypeProblem[] = [];
  const add = (diagnostic: Ts.Diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
    const text = `error TS${diagnostic.code}: ${message}`;
    if (diagnostic.file === undefined || diagnostic.start === undefined) {
      problems.push({ file: '(typescript options)', line: 0, column: 0, message: text });
      return;
    }
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    problems.push({ file: diagnostic.file.fileName, line: line + 1, column: character + 1, message: text });
  };
  [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].forEach(add);
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (source === undefined) continue;
    [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].forEach(add);
  }
  return problems;
}

function compilerOptions(ts: typeof Ts): Ts.CompilerOptions {
  const nodeTypes = nodeTypesRoot();
  return {
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    paths: { strata: [strataTypes('index')], 'strata/flows': [strataTypes('flows/define')] },
    // Node's globals (console, process) when its types are at hand, else the browser's console.
    lib: nodeTypes === undefined ? ['lib.es2023.d.ts', 'lib.dom.d.ts'] : ['lib.es2023.d.ts'],
    ...(nodeTypes === undefined ? { types: [] } : { typeRoots: [nodeTypes], types: ['node'] }),
  };
}

/** This copy's declarations (dist/*.d.ts), or its sources when it runs from them. */
function strataTypes(module: string): string {
  const declarations = fileURLToPath(new URL(`../${module}.d.ts`, import.meta.url));
  return existsSync(declarations) ? declarations : fileURLToPath(new URL(`../${module}.ts`, import.meta.url));
}

function nodeTypesRoot(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('@types/node/package.json');
    return path.dirname(path.dirname(manifest));
  } catch {
    return undefined;
  }
}
