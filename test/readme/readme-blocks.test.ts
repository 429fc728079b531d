import { describe, expect, it } from 'vitest';
import { readmeBlocks } from './readme-blocks.js';

describe('readmeBlocks', () => {
  it('takes the marked blocks with their first line, and leaves the others', () => {
    const markdown = [
      '# Title', //                       1
      '```sh exec', //                    2
      'strata init ./wh', //              3
      '```', //                           4
      '```sh', //                         5
      'not run', //                       6
      '```', //                           7
      '````ts exec report.ts', //         8
      'const a = 1;', //                  9
      '```', //                           10: inside the longer fence
      '````', //                          11
    ].join('\n');
    expect(readmeBlocks(markdown)).toEqual([
      { kind: 'sh', line: 3, code: 'strata init ./wh\n' },
      { kind: 'ts', line: 9, code: 'const a = 1;\n```\n', file: 'report.ts' },
    ]);
  });

  it('refuses a misspelt marker instead of skipping the block', () => {
    expect(() => readmeBlocks('```bash exec\nls\n```\n')).toThrow(/line 1: "bash exec" is not a marker/);
    expect(() => readmeBlocks('```ts exec\nlet a;\n```\n')).toThrow(/is not a marker/);
  });
});
