import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFlowDirectory, loadFlowFile, strataEntryUrl } from './flow-loader.js';

// Flow files are imported by Node itself (not vitest), so they import our sources by absolute URL.
const definitionUrl = new URL('./flow-definition.ts', import.meta.url).href;
const schedulesUrl = new URL('./schedules.ts', import.meta.url).href;
const header = `import { defineFlow } from '${definitionUrl}';\nimport { cron, every } from '${schedulesUrl}';\n`;
const flowsExportedByStrata = (await readFile(new URL('../../index.ts', import.meta.url), 'utf8')).includes(
  'flows/index.js',
);

let dir: string;
const write = async (name: string, body: string): Promise<string> => {
  const file = join(dir, name);
  await writeFile(file, body);
  return file;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-flow-loader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadFlowFile', () => {
  it('returns default and named exported flows with sourceFile set, frozen', async () => {
    const file = await write(
      'two.ts',
      `${header}
const count: number = 2;
export default defineFlow({ id: 'first', schedule: cron('0 3 * * *', { timezone: 'Europe/Paris' }) }, (f) => { f.task('a', async () => count); });
export const second = defineFlow({ id: 'second', schedule: every('1h') }, (f) => { f.task('b', async () => 1); });
export const notAFlow = 42;
`,
    );
    const flows = await loadFlowFile(file);
    expect(flows.map((flow) => flow.id).sort()).toEqual(['first', 'second']);
    expect(flows.every((flow) => flow.sourceFile === file && Object.isFrozen(flow))).toBe(true);
    expect(flows.find((flow) => flow.id === 'first')?.schedule).toEqual({
      kind: 'cron',
      expression: '0 3 * * *',
      timezone: 'Europe/Paris',
    });
    expect(flows.find((flow) => flow.id === 'second')?.schedule).toEqual({ kind: 'interval', everyMs: 3_600_000 });
  });

  it('loads .mjs and .js flows (as ES modules, with no package.json around)', async () => {
    const js = await write(
      'plain.js',
      `import { defineFlow } from '${definitionUrl}';\nexport default defineFlow({ id: 'plain_js' }, (f) => { f.task('a', () => 1); });\n`,
    );
    const mjs = await write(
      'plain.mjs',
      `import { defineFlow } from '${definitionUrl}';\nexport const flow = defineFlow({ id: 'plain_mjs' }, (f) => { f.task('a', () => 1); });\n`,
    );
    expect((await loadFlowFile(js)).map((flow) => flow.id)).toEqual(['plain_js']);
    expect((await loadFlowFile(mjs)).map((flow) => flow.id)).toEqual(['plain_mjs']);
  });

  it('re-imports a file (and its local helpers) when its content changed, and reuses it when not', async () => {
    await write('helper_v.ts', `export const version = 'one';\n`);
    const body = (n: number) => `${header}import { version } from './helper_v.js';
export default defineFlow({ id: 'changing', description: version + '-${n}' }, (f) => { f.task('a', () => 1); });\n`;
    const file = await write('changing.ts', body(1));
    expect((await loadFlowFile(file))[0]?.description).toBe('one-1');
    await write('helper_v.ts', `export const version = 'two';\n`);
    await write('changing.ts', body(2));
    const reloaded = await loadFlowFile(file);
    expect(reloaded[0]?.description).toBe('two-2');
    const again = await loadFlowFile(file);
    expect(again[0]?.tasks).toBe(reloaded[0]?.tasks);
  });

  it('wraps a syntax error in a FlowLoadError naming the file, with the cause', async () => {
    const file = await write(
      'broken.ts',
      `${header}export default defineFlow({ id: 'broken' }, (f) => { f.task('a', () => 1) ;; ) });\n`,
    );
    const error = await loadFlowFile(file).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'FlowLoadError', code: 'FLOW_LOAD', file });
    expect((error as Error).message).toContain(file);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('wraps a throwing module in a FlowLoadError', async () => {
    const file = await write('throws.ts', `throw new Error('no database configured');\n`);
    await expect(loadFlowFile(file)).rejects.toThrow(/throws\.ts: could not be imported: no database configured/);
  });

  it("lets defineFlow's FlowDefinitionError through unchanged (a cycle built from hand-made refs)", async () => {
    const file = await write(
      'cycle.ts',
      `${header}
export default defineFlow({ id: 'cyclic' }, (f) => {
  f.task('a', { after: [{ kind: 'task-ref', flowId: 'cyclic', taskId: 'b' }] }, () => 1);
  f.task('b', { after: [{ kind: 'task-ref', flowId: 'cyclic', taskId: 'a' }] }, () => 2);
});\n`,
    );
    const error = await loadFlowFile(file).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'FlowDefinitionError', code: 'FLOW_DEFINITION', flowId: 'cyclic' });
    expect((error as Error).message).toContain('a -> b -> a');
  });

  it('refuses a module that exports no flow, and a missing file', async () => {
    const file = await write('nothing.ts', 'export const x = 1;\n');
    await expect(loadFlowFile(file)).rejects.toThrow(/nothing\.ts: exports no flow/);
    await expect(loadFlowFile(join(dir, 'missing.ts'))).rejects.toMatchObject({
      code: 'FLOW_LOAD',
      file: join(dir, 'missing.ts'),
    });
  });

  it("resolves 'strata' to this copy's entry point from a folder without node_modules", async () => {
    expect(strataEntryUrl()).toBe(pathToFileURL(fileURLToPath(new URL('../../index.ts', import.meta.url))).href);
    const file = await write(
      'uses_strata.ts',
      `${header}import * as strata from 'strata';
export default defineFlow({ id: 'uses_strata', description: [typeof strata.StrataError, import.meta.resolve('strata')].join(' ') }, (f) => { f.task('a', () => 1); });\n`,
    );
    const [flow] = await loadFlowFile(file);
    expect(flow?.description).toBe(`function ${strataEntryUrl()}`);
  });

  it.skipIf(!flowsExportedByStrata)(
    "loads a flow written with `import { defineFlow, cron } from 'strata'`",
    async () => {
      const file = await write(
        'from_strata.ts',
        `import { defineFlow, cron } from 'strata';
export default defineFlow({ id: 'from_strata', schedule: cron('*/5 * * * *') }, (f) => { f.task('a', async () => 1); });\n`,
      );
      const [flow] = await loadFlowFile(file);
      expect(flow?.id).toBe('from_strata');
      expect(flow?.schedule).toEqual({ kind: 'cron', expression: '*/5 * * * *', timezone: 'UTC' });
    },
  );
});

describe('loadFlowDirectory', () => {
  it('loads every flow file in the folder, reporting problems without stopping', async () => {
    const project = await mkdtemp(join(tmpdir(), 'strata-flows-dir-'));
    const put = (name: string, body: string) => writeFile(join(project, name), body);
    await put(
      'a_orders.ts',
      `${header}export default defineFlow({ id: 'orders' }, (f) => { f.task('load', () => 1); });\n`,
    );
    await put(
      'b_orders_again.ts',
      `${header}export default defineFlow({ id: 'orders' }, (f) => { f.task('other', () => 1); });\n`,
    );
    await put(
      'c_bad_cron.ts',
      `${header}export default defineFlow({ id: 'bad_cron', schedule: cron('61 * * * *') }, (f) => { f.task('a', () => 1); });\n`,
    );
    await put('d_syntax.ts', `${header}export default defineFlow({ id: 'syntax' }, (f) => { f.task('a', () => 1 });\n`);
    await put(
      'e_daily.mts',
      `${header}export default defineFlow({ id: 'daily', schedule: every('1d') }, (f) => { f.task('a', () => 1); });\n`,
    );
    await put('orders.test.ts', 'throw new Error("test files are not flows");\n');
    await put('types.d.ts', 'declare const x: number;\n');
    await put('notes.md', '# not a flow\n');
    try {
      const { flows, problems } = await loadFlowDirectory(project);
      expect([...flows.keys()]).toEqual(['orders', 'daily']);
      expect(flows.get('orders')?.sourceFile).toBe(join(project, 'a_orders.ts'));
      expect(problems.map((problem) => problem.code)).toEqual(['FLOW_DEFINITION', 'FLOW_DEFINITION', 'FLOW_LOAD']);
      expect(problems[0]?.message).toContain(join(project, 'a_orders.ts'));
      expect(problems[0]?.message).toContain(join(project, 'b_orders_again.ts'));
      expect(problems[1]?.message).toMatch(/Flow "bad_cron": cron expression "61 \* \* \* \*" is invalid/);
      expect(problems[2]?.message).toContain(join(project, 'd_syntax.ts'));
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  it('treats a missing folder as having no flows', async () => {
    const { flows, problems } = await loadFlowDirectory(join(dir, 'no-such-folder'));
    expect(flows.size).toBe(0);
    expect(problems).toEqual([]);
  });
});
