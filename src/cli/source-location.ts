/**
 * Where in a flow file an error was raised: the first frame of its stack (or of a cause's)
 * in that file. defineFlow runs when the file is imported, so a refused task points at
 * its f.task(...) call and a refused flow at its defineFlow(...) call. Frames name the
 * file by URL with the loader's version query (file:///…/orders.ts?strata-flow=…:12:5).
 */
import { pathToFileURL } from 'node:url';
import { escapeRegExp } from '../core/index.js';

export function sourceLocation(error: unknown, file: string): { line: number; column: number } {
  const url = escapeRegExp(pathToFileURL(file).href);
  const frame = new RegExp(`(?:${url}|${escapeRegExp(file)})(?:\\?[^:\\s)]*)?:(\\d+):(\\d+)`);
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const match = frame.exec(current.stack ?? '');
    if (match !== null) return { line: Number(match[1]), column: Number(match[2]) };
    current = current.cause;
  }
  return { line: 0, column: 0 };
}
