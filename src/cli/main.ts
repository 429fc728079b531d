/**
 * Entry point of the `strata` command (bin/strata.js runs the compiled copy; `npm run
 * strata` and the tests run this file through tsx).
 */
import { runCli } from './program.js';

// `strata sql ... | head` closes stdout early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv);
