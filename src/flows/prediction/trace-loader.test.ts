import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayAsRecords } from './duration-records.js';
import { categoryOf, familyOf, loadTrace, parseTrace } from './trace-loader.js';

const doc15 = {
  schemaVersion: '1.5',
  workflow: {
    specification: {
      tasks: [
        {
          name: 'merge_ID0000003',
          id: 'merge_ID0000003',
          parents: ['a_ID0000001', 'b_ID0000002'],
          children: [],
          inputFiles: ['x', 'y'],
        },
        { name: 'a_ID0000001', id: 'a_ID0000001', parents: [], children: ['merge_ID0000003'], inputFiles: ['in'] },
        { name: 'b_ID0000002', id: 'b_ID0000002', parents: [], children: ['merge_ID0000003'], inputFiles: [] },
      ],
      files: [
        { id: 'in', sizeInBytes: 100 },
        { id: 'x', sizeInBytes: 10 },
        { id: 'y', sizeInBytes: 5 },
      ],
    },
    execution: {
      makespanInSeconds: 9,
      machines: [{ nodeName: 'n1', cpu: { coreCount: 8, speedInMHz: 2400 } }],
      tasks: [
        { id: 'a_ID0000001', runtimeInSeconds: 2, command: { program: 'align' }, machines: ['n1'] },
        { id: 'b_ID0000002', runtimeInSeconds: 3 },
        { id: 'merge_ID0000003', runtimeInSeconds: 4 },
      ],
    },
  },
};

describe('trace loader', () => {
  it('reads WfFormat 1.5 with the README rules: category, input size, machine, topological order', () => {
    const trace = parseTrace('pegasus_demo_demo-001', doc15);
    expect(trace.family).toBe('pegasus_demo');
    expect(trace.makespanS).toBe(9);
    expect(trace.tasks.map((t) => t.id)).toEqual(['a_ID0000001', 'b_ID0000002', 'merge_ID0000003']);
    const [a, b, merge] = trace.tasks;
    expect(a).toMatchObject({ category: 'align', inputBytes: 100, worker: 'n1', cores: 8, speedMHz: 2400 });
    expect(b).toMatchObject({ category: 'b', inputBytes: 0, inputCount: 0 });
    expect(merge).toMatchObject({ category: 'merge', inputBytes: 15, inputCount: 2, runtimeS: 4 });
  });

  it('reads WfFormat 1.4 (files with links, parents by name)', () => {
    const trace = parseTrace('makeflow_x_x-1', {
      schemaVersion: '1.4',
      workflow: {
        makespanInSeconds: 5,
        machines: [{ nodeName: 'w', cpu: { coreCount: 4 } }],
        tasks: [
          {
            name: 'second',
            category: 'sum',
            parents: ['first'],
            runtimeInSeconds: 2,
            files: [{ link: 'input', name: 'f', sizeInBytes: 7 }],
          },
          {
            name: 'first',
            parents: [],
            runtimeInSeconds: 1,
            machine: 'w',
            files: [{ link: 'output', name: 'f', sizeInBytes: 7 }],
          },
        ],
      },
    });
    expect(trace.tasks.map((t) => [t.id, t.category, t.inputBytes])).toEqual([
      ['first', 'first', 0],
      ['second', 'sum', 7],
    ]);
    expect(trace.tasks[0]).toMatchObject({ worker: 'w', cores: 4 });
  });

  it('names what is wrong with a bad trace', () => {
    expect(() => parseTrace('t', { nope: 1 })).toThrow(/FLOW_TRACE_INVALID.*not a WfFormat/);
    const missing = structuredClone(doc15);
    missing.workflow.execution.tasks.pop();
    expect(() => parseTrace('t', missing)).toThrow(/merge_ID0000003 has no execution record/);
    const cyclic = structuredClone(doc15);
    cyclic.workflow.specification.tasks[1]!.parents = ['merge_ID0000003'];
    expect(() => parseTrace('t', cyclic)).toThrow(/cycle/);
  });

  it('derives categories and families as the README says', () => {
    expect(categoryOf('individuals_ID0000001')).toBe('individuals');
    expect(categoryOf('NFCORE_X.FASTQC')).toBe('NFCORE_X.FASTQC');
    expect(categoryOf('x_ID1', ' mProject ')).toBe('mProject');
    expect(familyOf('nextflow_rnaseq-dirt02-001')).toBe('nextflow_rnaseq');
    expect(familyOf('pegasus_montage_montage-chameleon-2mass-01d-001')).toBe('pegasus_montage');
  });

  it('replays an execution as duration records with upstream actuals', () => {
    const records = replayAsRecords(parseTrace('pegasus_demo_demo-001', doc15));
    expect(records[2]).toMatchObject({
      flowId: 'pegasus_demo',
      runId: 'pegasus_demo_demo-001',
      taskId: 'merge_ID0000003',
      category: 'merge',
      attempt: 1,
      durationMs: 4000,
      inputBytes: 15,
      outcome: 'success',
      context: { parentDurationsMs: [2000, 3000], parentCategories: ['align', 'b'], categoryWidth: 1 },
    });
  });

  it('loads a real gzipped execution from the shared traces', async () => {
    const dir = path.join('..', 'shared', 'traces', 'wfcommons');
    const trace = await loadTrace(path.join(dir, 'makeflow_blast_blast-chameleon-small-001.json.gz'));
    expect(trace.schemaVersion).toBe('1.5');
    expect(trace.tasks).toHaveLength(43);
    expect(new Set(trace.tasks.map((t) => t.category))).toEqual(
      new Set(['split_fasta', 'blastall', 'cat_blast', 'cat']),
    );
  });
});
