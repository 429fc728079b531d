/**
 * Entry point of the `strata` command (bin/strata.js runs the compiled copy; `npm run
 * strata` and the tests run this file through tsx).
 */
import { staleBuildWarning } from './stale-build.js';

// Started before the CLI's modules load (a dynamic import below, for that reason) so the
// file stats overlap with the loading instead of adding to it.
const stale = staleBuildWarning(import.meta.url).catch(() => undefined);
const { runCli } = await import('./program.js');

// `strata sql ... | head` closes stdout early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const warning = await stale;
if (warning) process.stderr.write(warning);

process.exitCode = await runCli(process.argv);
