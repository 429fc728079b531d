/**
 * Bad flow files are refused when flows/ is loaded, each with a typed error naming
 * the flow (or the file) and the problem, and they cost the good flows nothing: the
 * good flow in the same folder loads, registers and runs, the bad ones are never
 * registered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChildProcessExecutor, listFlows, loadFlowDirectory } from '../../../src/flows/index.js';
import { describeBackends } from '../../meta/helpers/backends.js';
import { markerLines, openFileFlows, writeFlow, type FileFlows } from './helpers/flow-cluster.js';

const BAD_FLOWS: Readonly<Record<string, string>> = {
  'cycle.ts': `
export default defineFlow({ id: 'cyclic' }, (f) => {
  const later = { kind: 'task-ref', flowId: 'cyclic', taskId: 'second' };
  const first = f.task('first', { after: [later] }, () => 1);
  f.task('second', { after: [first] }, () => 2);
});`,
  'unknown-dependency.ts': `
export default defineFlow({ id: 'orphaned' }, (f) => {
  f.task('lonely', { after: [{ kind: 'task-ref', flowId: 'orphaned', taskId: 'ghost' }] }, () => 1);
});`,
  'twin-1.ts': `export default defineFlow({ id: 'twin' }, (f) => { f.task('one', () => 1); });`,
  'twin-2.ts': `export default defineFlow({ id: 'twin' }, (f) => { f.task('two', () => 2); });`,
  'bad-cron.ts': `
export default defineFlow({ id: 'badly_timed', schedule: cron('61 * * * *') }, (f) => {
  f.task('never', () => 1);
});`,
  'duplicate-task.ts': `
export default defineFlow({ id: 'doubled' }, (f) => {
  f.task('same', () => 1);
  f.task('same', () => 2);
});`,
  'broken.ts': `export default defineFlow({ id: 'broken' }, (f) => { f.task('x', () => 1 ); ) });`,
  'good.ts': `
export default defineFlow({ id: 'good' }, (f) => {
  const a = f.task('a', (ctx) => {
    mark(ctx, 'good', 'a');
    return 20;
  });
  f.task('b', { inputs: { a } }, (ctx, { a }) => {
    mark(ctx, 'good', 'b');
    return a + 1;
  });
});`,
};

interface Problem {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly flowId?: string;
  readonly file?: string;
}

/** Problems by flow id (definition errors) or file name (load errors); errors may come from another copy of the module, so not by class. */
function byOwner(problems: readonly Error[]): Map<string, Problem> {
  return new Map(
    problems.map((p) => {
      const problem = p as unknown as Problem;
      return [problem.flowId ?? path.basename(problem.file ?? '?'), problem];
    }),
  );
}

function expectProblems(problems: readonly Error[], dir: string): void {
  const found = byOwner(problems);
  expect([...found.keys()].sort()).toEqual(['badly_timed', 'broken.ts', 'cyclic', 'doubled', 'orphaned', 'twin']);
  const definition = (flowId: string, problem: RegExp) => {
    expect(found.get(flowId), flowId).toMatchObject({ name: 'FlowDefinitionError', code: 'FLOW_DEFINITION', flowId });
    expect(found.get(flowId)!.message, flowId).toContain(`Flow "${flowId}"`);
    expect(found.get(flowId)!.message, flowId).toMatch(problem);
  };
  definition('cyclic', /dependency cycle: first -> second -> first/);
  definition('orphaned', /task "lonely" depends on "ghost", which is not declared/);
  definition(
    'twin',
    new RegExp(`defined in both ${escape(path.join(dir, 'twin-1.ts'))} and ${escape(path.join(dir, 'twin-2.ts'))}`),
  );
  definition('badly_timed', /cron expression "61 \* \* \* \*" is invalid/);
  definition('doubled', /task id "same" is declared twice/);
  expect(found.get('broken.ts')).toMatchObject({
    name: 'FlowLoadError',
    code: 'FLOW_LOAD',
    file: path.join(dir, 'broken.ts'),
  });
  expect(found.get('broken.ts')!.message).toMatch(/could not be imported/);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('loadFlowDirectory on a folder with bad flow files', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses each bad flow with an error naming it and its problem, and loads the good ones', async () => {
    const warehouse = mkdtempSync(path.join(tmpdir(), 'strata-bad-flows-'));
    dirs.push(warehouse);
    for (const [name, body] of Object.entries(BAD_FLOWS)) writeFlow(warehouse, name, body);
    const dir = path.join(warehouse, 'flows');
    const loaded = await loadFlowDirectory(dir);
    expect([...loaded.flows.keys()].sort()).toEqual(['good', 'twin']);
    expect(loaded.flows.get('twin')!.sourceFile, 'the first file (by name) wins a duplicate id').toBe(
      path.join(dir, 'twin-1.ts'),
    );
    expect([...loaded.flows.get('good')!.tasks.keys()]).toEqual(['a', 'b']);
    expect(loaded.problems).toHaveLength(6);
    expectProblems(loaded.problems, dir);
  });
});

describeBackends('a scheduler loading a flows/ folder with bad files', (backend) => {
  let flows: FileFlows | undefined;
  afterEach(async () => {
    await flows?.close();
    flows = undefined;
  });

  it(
    'reports each problem once, registers only the good flows, and runs the good one',
    { timeout: 120_000 },
    async () => {
      const f = (flows = await openFileFlows(backend, BAD_FLOWS, new ChildProcessExecutor({ slots: 1 })));
      const dir = path.join(f.setup.warehouse, 'flows');
      expectProblems(f.problems, dir);
      // Reloading finds the same problems and does not report them again.
      await f.scheduler.reload();
      expect(f.problems).toHaveLength(6);

      expect((await listFlows(f.system.queue.meta.db)).map((flow) => flow.id)).toEqual(['good', 'twin']);
      for (const refused of ['cyclic', 'orphaned', 'badly_timed', 'doubled', 'broken']) {
        await expect(f.system.trigger(refused), refused).rejects.toThrow(/FLOW_NOT_FOUND/);
      }
      const { runId } = await f.system.trigger('good');
      expect((await f.waitForRun(runId)).state).toBe('success');
      expect(markerLines(f.setup.warehouse, 'good')).toEqual(['a', 'b']);
    },
  );
});
