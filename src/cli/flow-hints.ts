/**
 * What `strata flow ...` says when there are no flows yet: where flow files go and how to
 * write the first one, instead of an empty table.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The hint for a warehouse whose flows folder is `directory` and which has no flows registered. */
export function noFlowsHint(directory: string): string {
  const why = existsSync(directory)
    ? `${directory} has no flow files`
    : `there is no flows folder (${directory} does not exist)`;
  return [
    `No flows yet: ${why}.`,
    `A flow is a TypeScript file in that folder, e.g. ${path.join(directory, 'hello.ts')}:`,
    '',
    "  import { defineFlow } from 'strata';",
    "  export default defineFlow({ id: 'hello' }, (f) => {",
    "    f.task('greet', async () => console.log('hello'));",
    '  });',
    '',
    'The README\'s "Writing a flow" section shows more (schedules, inputs, maps);',
    '`strata flow check` checks the files and `strata flow list` registers and lists them.',
    '',
  ].join('\n');
}

/** A note for when flows are registered but their folder is gone (they were loaded from elsewhere, or deleted). */
export function missingFolderNote(directory: string): string | undefined {
  return existsSync(directory)
    ? undefined
    : `note: the flows folder ${directory} does not exist; the flows above were registered earlier.\n`;
}
