/**
 * Command tasks under the ChildProcessExecutor (the default): the program's stdout and
 * stderr reach the host as the attempt's lines, and a timeout stops the program and what
 * it started before the executor replaces its child process.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ChildProcessExecutor, type LogStream, type TaskHost, type TaskRequest } from '../../src/flows/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'strata-command-child-'));
const marker = path.join(dir, 'survivor');
const flowFile = path.join(dir, 'command-flow.ts');
const define = path.resolve(import.meta.dirname, '../../src/flows/define.ts');
writeFileSync(
  flowFile,
  `import { defineFlow } from ${JSON.stringify(define)};
export const commands = defineFlow({ id: 'commands' }, (f) => {
  f.command('talk', ['sh', '-c', 'echo "hello $STRATA_PARAM_WHO"; echo warn >&2; printf 42 > "$STRATA_OUTPUT_FILE"']);
  f.command('hang', ['sh', '-c', '(sleep 2; touch ${marker}) & sleep 30'], { killGraceMs: 200 });
});
`,
);

const executor = new ChildProcessExecutor({ slots: 1 });
afterAll(() => executor.close(1_000));

const logs: { line: string; stream: LogStream }[] = [];
const host: TaskHost = {
  log: (_attempt, line, stream) => void logs.push({ line, stream }),
  loadCheckpoint: async () => undefined,
  saveCheckpoint: async () => {},
  tableLocation: async (_attempt, name) => name,
};
let id = 1;
const request = (taskId: string, timeoutMs?: number): TaskRequest => ({
  taskInstanceId: id++,
  leaseToken: 1,
  flowId: 'commands',
  taskId,
  runId: 1,
  mapIndex: -1,
  attempt: 1,
  maxAttempts: 1,
  params: { who: 'ada' },
  inputs: {},
  logicalDate: undefined,
  timeoutMs,
  warehouse: undefined,
  sourceFile: flowFile,
});

it('relays the program output as stdout and stderr lines and returns its output file', async () => {
  expect(await executor.run(request('talk'), host)).toEqual({
    kind: 'success',
    output: { exitCode: 0, trackingRunId: null, output: 42 },
  });
  expect(logs).toEqual([
    { line: 'hello ada', stream: 'stdout' },
    { line: 'warn', stream: 'stderr' },
  ]);
}, 60_000);

it('kills the program and its children on timeout', async () => {
  const outcome = await executor.run(request('hang', 500), host);
  expect(outcome).toMatchObject({ kind: 'failed', failure: { reason: 'timeout' } });
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  expect(existsSync(marker)).toBe(false);
}, 60_000);
