/**
 * Loads one WfCommons execution (WfFormat 1.5 or 1.4, gzipped or plain JSON) into a
 * typed, immutable TraceExecution, applying the traces README's rules: a task's category
 * is `command.program`, else its name before `_ID`, else its (Nextflow process) name;
 * its input size is the sum of its input files' sizes.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { TraceInvalidError } from '../errors.js';
import type { WfDocument14, WfDocument15, WfMachine, WfTask14 } from './wfformat-types.js';

export interface TraceTask {
  readonly id: string;
  readonly category: string;
  readonly runtimeS: number;
  readonly inputBytes: number;
  readonly inputCount: number;
  readonly parents: readonly string[];
  readonly children: readonly string[];
  readonly worker?: string;
  readonly cores?: number;
  readonly speedMHz?: number;
}

export interface TraceExecution {
  /** File name without extension: one execution. */
  readonly name: string;
  /** `pegasus_montage`, `makeflow_blast`; Nextflow pipelines are each their own family. */
  readonly family: string;
  readonly schemaVersion: string;
  readonly makespanS?: number;
  /** Tasks in a topological order (parents before children). */
  readonly tasks: readonly TraceTask[];
}

export function categoryOf(name: string, program?: string): string {
  if (program !== undefined && program.trim() !== '') return program.trim();
  const at = name.indexOf('_ID');
  return at > 0 ? name.slice(0, at) : name;
}

/** `pegasus_montage_montage-...` → `pegasus_montage`; `nextflow_rnaseq-dirt02-001` → `nextflow_rnaseq`. */
export function familyOf(name: string): string {
  const parts = name.split('_');
  if (parts[0] === 'nextflow') return `nextflow_${(parts[1] ?? '').split('-')[0]}`;
  return parts.slice(0, 2).join('_');
}

export async function loadTrace(file: string): Promise<TraceExecution> {
  const raw = await fs.readFile(file);
  const name = path.basename(file).replace(/\.json(\.gz)?$/, '');
  let doc: unknown;
  try {
    doc = JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
  } catch (cause) {
    throw new TraceInvalidError(file, 'is not (gzipped) JSON', { cause });
  }
  return parseTrace(name, doc, file);
}

/** Every `*.json.gz` / `*.json` execution in `dir`, sorted by name. */
export async function loadTraceDir(dir: string): Promise<TraceExecution[]> {
  const names = (await fs.readdir(dir)).filter((n) => /\.json(\.gz)?$/.test(n)).sort();
  return Promise.all(names.map((n) => loadTrace(path.join(dir, n))));
}

export function parseTrace(name: string, doc: unknown, source = name): TraceExecution {
  const version = (doc as { schemaVersion?: unknown })?.schemaVersion;
  const workflow = (doc as { workflow?: Record<string, unknown> })?.workflow;
  if (typeof version !== 'string' || workflow === undefined) {
    throw new TraceInvalidError(source, 'has no schemaVersion or workflow: not a WfFormat document');
  }
  const tasks =
    'specification' in workflow ? tasks15(doc as WfDocument15, source) : tasks14(doc as WfDocument14, source);
  const makespan = (workflow.execution as { makespanInSeconds?: number } | undefined)?.makespanInSeconds;
  const makespanS = makespan ?? (workflow.makespanInSeconds as number | undefined);
  return Object.freeze({
    name,
    family: familyOf(name),
    schemaVersion: version,
    ...(makespanS !== undefined ? { makespanS } : {}),
    tasks: topological(tasks, source),
  });
}

function machineFields(machines: ReadonlyMap<string, WfMachine>, node: string | undefined) {
  const machine = node === undefined ? undefined : machines.get(node);
  return {
    ...(node !== undefined ? { worker: node } : {}),
    ...(machine?.cpu?.coreCount !== undefined ? { cores: machine.cpu.coreCount } : {}),
    ...(machine?.cpu?.speedInMHz !== undefined ? { speedMHz: machine.cpu.speedInMHz } : {}),
  };
}

function tasks15(doc: WfDocument15, source: string): TraceTask[] {
  const { specification, execution } = doc.workflow;
  if (!Array.isArray(specification.tasks) || !Array.isArray(execution?.tasks)) {
    throw new TraceInvalidError(source, 'lacks workflow.specification.tasks or workflow.execution.tasks');
  }
  const sizes = new Map((specification.files ?? []).map((f) => [f.id, f.sizeInBytes ?? 0]));
  const machines = new Map((execution.machines ?? []).map((m) => [m.nodeName, m]));
  const ran = new Map(execution.tasks.map((t) => [t.id, t]));
  return specification.tasks.map((spec) => {
    const exec = ran.get(spec.id);
    if (exec === undefined || typeof exec.runtimeInSeconds !== 'number') {
      throw new TraceInvalidError(source, `task ${spec.id} has no execution record with runtimeInSeconds`);
    }
    const inputs: readonly string[] = spec.inputFiles ?? [];
    return Object.freeze({
      id: spec.id,
      category: categoryOf(spec.name, exec.command?.program),
      runtimeS: exec.runtimeInSeconds,
      inputBytes: inputs.reduce((sum, f) => sum + (sizes.get(f) ?? 0), 0),
      inputCount: inputs.length,
      parents: spec.parents ?? [],
      children: spec.children ?? [],
      ...machineFields(machines, exec.machines?.[0]),
    });
  });
}

function tasks14(doc: WfDocument14, source: string): TraceTask[] {
  const { tasks, machines: list } = doc.workflow;
  if (!Array.isArray(tasks)) throw new TraceInvalidError(source, 'lacks workflow.tasks');
  const machines = new Map((list ?? []).map((m) => [m.nodeName, m]));
  // 1.4 names parents and children by task name; ids are optional.
  return tasks.map((task) => {
    const files: NonNullable<WfTask14['files']> = task.files ?? [];
    const inputs = files.filter((f) => f.link === 'input');
    return Object.freeze({
      id: task.name,
      category: task.category ?? categoryOf(task.name, task.command?.program),
      runtimeS: task.runtimeInSeconds,
      inputBytes: inputs.reduce((sum, f) => sum + (f.sizeInBytes ?? 0), 0),
      inputCount: inputs.length,
      parents: task.parents ?? [],
      children: task.children ?? [],
      ...machineFields(machines, task.machine),
    });
  });
}

/** Kahn's order; a cycle or an unknown parent makes the trace unusable for a replay. */
function topological(tasks: readonly TraceTask[], source: string): TraceTask[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const waiting = new Map(tasks.map((t) => [t.id, t.parents.length]));
  const children = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
  for (const t of tasks) {
    for (const p of t.parents) {
      if (!byId.has(p)) throw new TraceInvalidError(source, `task ${t.id} names an unknown parent ${p}`);
      children.get(p)!.push(t.id);
    }
  }
  const order: TraceTask[] = [];
  const ready = tasks.filter((t) => t.parents.length === 0).map((t) => t.id);
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(byId.get(id)!);
    for (const c of children.get(id)!) {
      const left = waiting.get(c)! - 1;
      waiting.set(c, left);
      if (left === 0) ready.push(c);
    }
  }
  if (order.length !== tasks.length) throw new TraceInvalidError(source, 'its task graph has a cycle');
  return order;
}
