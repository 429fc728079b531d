/**
 * A warehouse's first steps with flows, as real processes: `strata flow list` before
 * there is a flows/ folder says where flows go, and `strata flow check` type-checks and
 * validates flow files (no database), naming each problem by file:line:column.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { strata, tempDir } from './run-cli.js';

const GOOD = `import { defineFlow } from 'strata';

export default defineFlow({ id: 'good' }, (f) => {
  const n = f.task('n', async () => 3);
  f.task('double', { inputs: { n } }, async (ctx, { n }) => n * 2);
});
`;

const BAD = `import { defineFlow } from 'strata';

export default defineFlow({ id: 'bad' }, (f) => {
  f.task('extract', async () => 'x');
  const count: number = 'three';
  f.task('load', { after: 'extract' as never }, async () => count);
});
`;

const CYCLE = `import { defineFlow, type TaskRef } from 'strata/flows';

const later = { kind: 'task-ref', flowId: 'cycle', taskId: 'b' } as TaskRef<unknown>;
export default defineFlow({ id: 'cycle' }, (f) => {
  const a = f.task('a', { after: [later] }, async () => 1);
  f.task('b', { after: [a] }, async () => 2);
});
`;

describe('flows in a new warehouse', { timeout: 180_000 }, () => {
  const warehouse = tempDir('strata-flow-check-');
  const at = { cwd: warehouse };

  beforeAll(async () => {
    expect((await strata(['init', '.'], at)).code).toBe(0);
  }, 120_000);

  it('flow list without a flows folder says where flows go and how to write one', async () => {
    const run = await strata(['flow', 'list'], at);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `No flows yet: there is no flows folder (${path.join(warehouse, 'flows')} does not exist).`,
    );
    expect(run.stdout).toContain("export default defineFlow({ id: 'hello' }");
    expect(run.stdout).toContain('"Writing a flow"');
    expect(run.stdout).not.toMatch(/^flow\s+schedule/);
  });

  it('flow check with no flow files says where to put them', async () => {
    const run = await strata(['flow', 'check'], at);
    expect(run).toMatchObject({ code: 1, stderr: expect.stringContaining('No flow files in') });
  });

  it('flow check reports type and definition errors by file:line:column, exiting 1', async () => {
    mkdirSync(path.join(warehouse, 'flows'));
    writeFileSync(path.join(warehouse, 'flows', 'good.ts'), GOOD);
    writeFileSync(path.join(warehouse, 'flows', 'bad.ts'), BAD);
    writeFileSync(path.join(warehouse, 'flows', 'cycle.ts'), CYCLE);
    const run = await strata(['flow', 'check'], at);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toEqual([
      "flows/bad.ts:5:9: error TS2322: Type 'string' is not assignable to type 'number'.",
      expect.stringMatching(
        /^flows\/bad\.ts:6:5: \[FLOW_DEFINITION\] Flow "bad": task "load": after is the string "extract", not a list of task references; write after: \[extract\]/,
      ),
      expect.stringMatching(
        /^flows\/cycle\.ts:4:16: \[FLOW_DEFINITION\] Flow "cycle": has a dependency cycle: a -> b -> a/,
      ),
    ]);
    expect(run.stderr).toMatch(/types: checked with TypeScript \d/);
    expect(run.stderr).toContain('error: [FLOW_CHECK_FAILED] 3 problems in 3 flow files, 1 flow');
  });

  it('flow check of named files passes when they are fine', async () => {
    const run = await strata(['flow', 'check', 'flows/good.ts'], at);
    expect(run).toMatchObject({ code: 0, stdout: 'ok: 1 flow file, 1 flow (good)\n' });
    const fast = await strata(['flow', 'check', '--no-types', path.join(warehouse, 'flows', 'good.ts')], at);
    expect(fast).toMatchObject({ code: 0, stderr: '' });
  });
});
