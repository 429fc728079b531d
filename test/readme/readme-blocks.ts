/**
 * The README's executable blocks. A fenced block runs when its info string is exactly
 * `sh exec` (a shell block) or `ts exec <file>` (a TypeScript file the reader saves under
 * that name and runs); every other block (output samples, PostgreSQL setup) is prose. A
 * fence that mentions `exec` in any other way is a mistake, reported rather than skipped,
 * so a typo cannot quietly take a block out of the test.
 */

export type ReadmeBlock =
  | { readonly kind: 'sh'; readonly line: number; readonly code: string }
  | { readonly kind: 'ts'; readonly line: number; readonly code: string; readonly file: string };

const FENCE = /^(`{3,}|~{3,})(.*)$/;
const SH = /^sh exec$/;
const TS = /^ts exec ([\w./-]+\.m?ts)$/;

/** Blocks in document order; `line` is the 1-based line of the block's first code line. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, fence, rawInfo] = open;
    const info = rawInfo!.trim();
    const end = lines.findIndex((l, j) => j > i && l.startsWith(fence!) && l.trim() === fence);
    if (end < 0) throw new Error(`README line ${i + 1}: the block opened here is never closed`);
    const code = lines.slice(i + 1, end).join('\n') + '\n';
    const ts = TS.exec(info);
    if (SH.test(info)) blocks.push({ kind: 'sh', line: i + 2, code });
    else if (ts) blocks.push({ kind: 'ts', line: i + 2, code, file: ts[1]! });
    else if (/\bexec\b/.test(info))
      throw new Error(`README line ${i + 1}: "${info}" is not a marker; write \`sh exec\` or \`ts exec <file>.ts\``);
    i = end;
  }
  return blocks;
}
