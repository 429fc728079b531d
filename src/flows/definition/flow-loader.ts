/**
 * Loading user flow modules (flows/*.ts, .mts, .js, .mjs) into FlowDefinitions.
 *
 * - TypeScript is compiled on import by tsx, registered once per process, so flows
 *   load the same whether Strata runs from dist/ or from source.
 * - A flow file imports from 'strata' wherever it lives (a warehouse without
 *   node_modules): a module resolution hook maps `strata` and `strata/flows` to this
 *   running copy of Strata, so flows share its classes and module instances.
 * - A file is imported under a URL carrying a hash of its content, so a changed file
 *   is imported afresh (the scheduler reloads flows) while an unchanged one is the
 *   cached module. Relative imports of a flow file carry the same hash, so its local
 *   helper modules are re-imported with it. Node never unloads modules: every changed
 *   version stays in memory until the process ends.
 * - Modules are imported with the runtime's own import(), never a bundler's or test
 *   runner's rewritten one, since flow files are outside the project being built.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { register } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isStrataError } from '../../core/index.js';
import { FlowDefinitionError, FlowLoadError, type FlowErrorCode } from '../errors.js';
import { isFlowDefinition, type FlowDefinition } from './flow-definition.js';

const FLOW_FILE = /\.(?:ts|mts|js|mjs)$/;
const NOT_FLOW_FILE = /\.(?:test|spec)\.(?:ts|mts|js|mjs)$|\.d\.m?ts$/;
const VERSION_PARAM = 'strata-flow';

export type FlowProblem = FlowLoadError | FlowDefinitionError;

/** Imports one flow module and returns the flows it exports (default and named), each with `sourceFile` set. */
export async function loadFlowFile(file: string): Promise<FlowDefinition[]> {
  const path = resolve(file);
  let source: Buffer;
  try {
    source = await readFile(path);
  } catch (error) {
    throw new FlowLoadError(path, `cannot be read (${(error as Error).message}); check the path.`, { cause: error });
  }
  await registerFlowModuleHooks();
  const version = createHash('sha256').update(source).digest('hex').slice(0, 16);
  let module: Record<string, unknown>;
  try {
    module = (await nativeImport(`${pathToFileURL(path).href}?${VERSION_PARAM}=${version}`)) as Record<string, unknown>;
  } catch (error) {
    // defineFlow's refusal names the flow and the problem; add where the flow is.
    if (isDefinitionError(error)) {
      const flowId = String(error.details.flowId ?? '?');
      const problem = error.message.replace(/^\[FLOW_DEFINITION\] Flow "[^"]*": /, '');
      throw new FlowDefinitionError(
        flowId,
        `${problem} (in ${path})`,
        { ...error.details, file: path },
        { cause: error },
      );
    }
    throw new FlowLoadError(
      path,
      `could not be imported: ${(error as Error)?.message ?? String(error)}. Fix the module and save it again.`,
      { cause: error },
    );
  }
  const flows = [...new Set(Object.values(module).filter(isFlowDefinition))];
  if (flows.length === 0) {
    throw new FlowLoadError(
      path,
      'exports no flow: export one with `export default defineFlow(...)` (or a named export); helper modules belong in a subfolder.',
    );
  }
  const seen = new Set<string>();
  for (const flow of flows) {
    if (seen.has(flow.id))
      throw new FlowDefinitionError(
        flow.id,
        `is exported twice by ${path} with different definitions; give each flow its own id.`,
        { file: path },
      );
    seen.add(flow.id);
  }
  return flows.map((flow) => Object.freeze({ ...flow, sourceFile: path }));
}

export interface LoadedFlows {
  readonly flows: ReadonlyMap<string, FlowDefinition>;
  readonly problems: readonly FlowProblem[];
}

/** The flow files directly in `directory` (absolute paths, sorted by name; tests and .d.ts files are not flows); none when it does not exist. */
export async function listFlowFiles(directory: string): Promise<string[]> {
  const root = resolve(directory);
  const entries = await readdir(root, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new FlowLoadError(root, `cannot be listed (${error.message}).`, { cause: error });
  });
  return entries
    .filter(
      (entry) =>
        (entry.isFile() || entry.isSymbolicLink()) && FLOW_FILE.test(entry.name) && !NOT_FLOW_FILE.test(entry.name),
    )
    .map((entry) => join(root, entry.name))
    .sort();
}

/** Loads every flow file directly in `directory` (sorted by name); one file's problems do not stop the others. A missing directory has no flows. */
export async function loadFlowDirectory(directory: string): Promise<LoadedFlows> {
  const flows = new Map<string, FlowDefinition>();
  const problems: FlowProblem[] = [];
  for (const file of await listFlowFiles(directory)) {
    let loaded: FlowDefinition[];
    try {
      loaded = await loadFlowFile(file);
    } catch (error) {
      problems.push(
        isDefinitionError(error) || error instanceof FlowLoadError
          ? error
          : new FlowLoadError(file, (error as Error).message, { cause: error }),
      );
      continue;
    }
    for (const flow of loaded) {
      const first = flows.get(flow.id);
      if (first === undefined) flows.set(flow.id, flow);
      else
        problems.push(
          new FlowDefinitionError(
            flow.id,
            `is defined in both ${first.sourceFile} and ${flow.sourceFile}; the one in ${first.sourceFile} is used. Rename one of them.`,
            { files: [first.sourceFile, flow.sourceFile] },
          ),
        );
    }
  }
  return { flows, problems };
}

/**
 * The module Strata's flows import as 'strata': this copy's entry point, two folders up from
 * this file (src/index.ts from source, dist/index.js when compiled).
 */
export function strataEntryUrl(module = '../../index'): string {
  const compiled = new URL(`${module}.js`, import.meta.url);
  return existsSync(fileURLToPath(compiled)) ? compiled.href : new URL(`${module}.ts`, import.meta.url).href;
}

// Once per process, even when this module is instantiated twice (a test runner's copy and Node's).
const HOOKS = Symbol.for('strata.flowModuleHooks');
type HookGlobal = typeof globalThis & { [HOOKS]?: Promise<void> };

/** Registers tsx and the 'strata' resolution hook (idempotent); a child process that imports flow files calls it too. */
export function registerFlowModuleHooks(): Promise<void> {
  const global = globalThis as HookGlobal;
  global[HOOKS] ??= (async () => {
    const tsx = (await import('tsx/esm/api')) as { register: () => unknown };
    tsx.register();
    // Registered after tsx, so it runs first and hands other specifiers on to tsx.
    register(`data:text/javascript,${encodeURIComponent(RESOLVE_HOOK)}`, {
      data: {
        entry: strataEntryUrl(),
        flowsEntry: strataEntryUrl('../define'),
        featuresEntry: strataEntryUrl('../../features/define'),
        modelsEntry: strataEntryUrl('../../models/index'),
        param: VERSION_PARAM,
      },
    });
  })();
  return global[HOOKS];
}

/** Runs in Node's loader thread: plain JavaScript, as a data: URL, so no file has to ship beside dist/. */
const RESOLVE_HOOK = `
let entry, flowsEntry, featuresEntry, modelsEntry, param;
export function initialize(data) { entry = data.entry; flowsEntry = data.flowsEntry; featuresEntry = data.featuresEntry; modelsEntry = data.modelsEntry; param = data.param; }
export async function resolve(specifier, context, next) {
  // Handed on resolved, so tsx still sees (and compiles) a .ts entry.
  if (specifier === 'strata') return next(entry, context);
  if (specifier === 'strata/flows') return next(flowsEntry, context);
  if (specifier === 'strata/features') return next(featuresEntry, context);
  if (specifier === 'strata/models') return next(modelsEntry, context);
  const parent = context.parentURL;
  const relative = specifier.startsWith('./') || specifier.startsWith('../');
  const inherited = relative && parent && parent.startsWith('file:') ? new URL(parent).searchParams.get(param) : null;
  const resolved = await next(specifier, context);
  if (!resolved.url.startsWith('file:') || resolved.url.includes('/node_modules/')) return resolved;
  const url = new URL(resolved.url);
  if (inherited !== null) url.searchParams.set(param, inherited);
  if (!url.searchParams.has(param)) return resolved;
  // Flow modules are ES modules wherever they are (no package.json says "type": "module" in a warehouse).
  const format = /\\.(?:ts|mts|js|mjs)$/.test(url.pathname) ? 'module' : resolved.format;
  return { ...resolved, url: url.href, format };
}
`;

// The import() of a data: module is Node's own: bundlers and test runners (vitest)
// rewrite the import() calls of the code they load, but not of a module Node loads.
const IMPORTER = 'data:text/javascript,export default (url) => import(url);';
let importer: Promise<(url: string) => Promise<unknown>> | undefined;

async function nativeImport(url: string): Promise<unknown> {
  importer ??= import(/* @vite-ignore */ IMPORTER).then(
    (module: { default: (url: string) => Promise<unknown> }) => module.default,
  );
  return (await importer)(url);
}

/**
 * Imports a user module (a flow file, a features/ file) as flow files are imported: tsx-compiled,
 * 'strata' and its light entries resolved to this copy, re-imported when its content changed.
 */
export async function importUserModule(path: string, source: Buffer): Promise<Record<string, unknown>> {
  await registerFlowModuleHooks();
  const version = createHash('sha256').update(source).digest('hex').slice(0, 16);
  return (await nativeImport(`${pathToFileURL(path).href}?${VERSION_PARAM}=${version}`)) as Record<string, unknown>;
}

/** By brand and code rather than class: a flow's 'strata' may be another instance of this module (under a test runner). */
function isDefinitionError(error: unknown): error is FlowDefinitionError {
  return isStrataError(error, 'FLOW_DEFINITION' satisfies FlowErrorCode);
}
