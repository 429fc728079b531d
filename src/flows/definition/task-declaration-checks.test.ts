import { describe, expect, it } from 'vitest';
import { FlowDefinitionError } from '../errors.js';
import { defineFlow, type FlowBuilder, type FlowParams } from './flow-definition.js';

const noop = (): number => 1;

/** The message of the FlowDefinitionError a flow built by `build` throws (loosely typed, as a JavaScript flow file is). */
function problem(build: (f: FlowBuilder<FlowParams>) => void): string {
  try {
    defineFlow({ id: 'orders' }, build);
  } catch (error) {
    expect(error).toBeInstanceOf(FlowDefinitionError);
    return (error as Error).message;
  }
  throw new Error('expected a FlowDefinitionError');
}

const loose = (value: unknown) => value as never;

describe('checkDeclaration (through defineFlow)', () => {
  it('names the task and what to write for after given a task id string', () => {
    const message = problem((f) => {
      f.task('extract', noop);
      f.task('load', { after: loose('extract') }, noop);
    });
    expect(message).toBe(
      '[FLOW_DEFINITION] Flow "orders": task "load": after is the string "extract", not a list of task references; write after: [extract] with the value f.task(...) returned.',
    );
    expect(message).not.toContain('undefined');
  });

  it('refuses task id strings inside after and inputs', () => {
    expect(
      problem((f) => {
        f.task('extract', noop);
        f.task('load', { after: loose(['extract']) }, noop);
      }),
    ).toContain('task "load": after[0] is the string "extract", not a task reference; write after: [extract]');
    expect(
      problem((f) => {
        f.task('extract', noop);
        f.task('load', { inputs: loose({ rows: 'extract' }) }, noop);
      }),
    ).toContain(
      'task "load": inputs.rows is the string "extract", not a task reference; write inputs: { rows: extract }',
    );
    expect(problem((f) => f.task('load', { inputs: loose(['x']) }, noop))).toContain('task "load": inputs is a list;');
  });

  it('refuses a map over something that is not a reference', () => {
    expect(problem((f) => f.map('per_day', loose('days'), noop))).toContain(
      'task "per_day": the list to map over is the string "days", not a task reference',
    );
  });

  it('refuses settings of the wrong type instead of dropping them', () => {
    expect(problem((f) => f.task('load', { retries: loose('3') }, noop))).toContain(
      'task "load": retries is the string "3"; write a number of retries',
    );
    expect(problem((f) => f.task('load', { timeoutMs: loose('1m') }, noop))).toContain('timeoutMs is the string "1m"');
    expect(problem((f) => f.task('load', { triggerRule: loose('allDone') }, noop))).toContain(
      'triggerRule is the string "allDone"; use one of all_success,',
    );
    expect(problem((f) => f.task('load', { writes: loose('main.orders') }, noop))).toContain(
      'writes is the string "main.orders"; write a list of catalog table names (writes: [\'main.orders\'])',
    );
    expect(problem((f) => f.task('load', { pool: loose(3) }, noop))).toContain('pool is the number 3;');
  });

  it("checks the flow's task defaults by the same rules", () => {
    let message = '';
    try {
      defineFlow({ id: 'orders', defaults: { retries: loose('2') } }, (f) => void f.task('a', noop));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('Flow "orders": defaults: retries is the string "2"; write a number of retries');
  });

  it('refuses a missing task function and a non-string id', () => {
    expect(problem((f) => f.task('load', loose({}), loose(undefined)))).toContain(
      'task "load": the task\'s function is undefined; the last argument of f.task(...) is the function the task runs.',
    );
    expect(problem((f) => f.task(loose(7), noop))).toContain('task "7": the task id is the number 7;');
  });

  it('accepts well-formed declarations', () => {
    const flow = defineFlow({ id: 'orders' }, (f) => {
      const days = f.task('days', async () => ['a']);
      const counts = f.map('count', days, { retries: { retries: 2 }, pool: 'db' }, async () => 1);
      f.task('report', { inputs: { counts }, after: [days], triggerRule: 'all_done', reads: ['main.x'] }, noop);
    });
    expect([...flow.tasks.keys()]).toEqual(['days', 'count', 'report']);
  });
});
