/**
 * `strata flow backfill FLOW --from DATE --to DATE`: runs for every logical date of
 * the flow's schedule in the range. It prints what it creates, re-runs and keeps
 * (--dry-run: only that), and with --wait follows those runs to their end.
 */
import { Option, type Command } from 'commander';
import { isLocalEmbedded, type BackfillView } from '../flows/index.js';
import { connectionOptions, flowsFolder, withControl, type ConnectionOptions } from './flow-connection.js';
import { followRuns } from './flow-follow.js';
import { startLocalRoles } from './flow-run-command.js';
import { dateText } from './flow-format.js';
import { positiveInteger } from './option-parsers.js';

interface BackfillOptions extends ConnectionOptions {
  readonly from: string;
  readonly to: string;
  readonly reprocess: 'missing' | 'failed' | 'all';
  readonly maxActiveRuns?: number;
  readonly dryRun?: boolean;
  readonly wait?: boolean;
}

export function registerFlowBackfillCommand(flow: Command): void {
  connectionOptions(
    flow.command('backfill').description("runs for every logical date of a flow's schedule between two dates"),
  )
    .argument('<flow>', 'the flow id (its schedule must be cron or every)')
    .requiredOption('--from <date>', 'the first logical date covered: 2026-01-01 (from the start of that day)')
    .requiredOption('--to <date>', 'the last logical date covered, inclusive: 2026-01-31 (to the end of that day)')
    .addOption(
      new Option(
        '--reprocess <mode>',
        'dates that have runs: missing = skip them, failed = re-run failed ones, all = re-run every finished one',
      )
        .choices(['missing', 'failed', 'all'])
        .default('missing'),
    )
    .option('--max-active-runs <n>', 'runs of this backfill at once (default 4)', positiveInteger)
    .option('--dry-run', 'only print what would be created, re-run and kept')
    .option('--wait', 'follow the runs until they all end; exit 1 if one fails')
    .addHelpText(
      'after',
      `
Both ends of the range are included. A date without a time is the whole day in the
schedule's time zone (UTC for every(...) schedules): --from 2026-01-01 --to 2026-01-03
covers every run of Jan 1, 2 and 3, e.g. the 02:00 run of a daily cron('0 2 * * *').
A time without an offset (2026-01-03T12:00) is read in that time zone too; one with
an offset or Z (2026-01-03T12:00:00Z) is that instant.`,
    )
    .action(async (flowId: string, options: BackfillOptions) => {
      await withControl(options, async (control) => {
        // On an embedded warehouse nobody else has open, nobody else could run the runs it waits for.
        const runHere = options.wait === true && !options.dryRun && isLocalEmbedded(control);
        if (runHere) await startLocalRoles(control);
        else
          for (const problem of (await control.loadFlows(flowsFolder(options))).problems)
            process.stderr.write(`${problem.message}\n`);
        const plan = await control.backfill(flowId, {
          from: options.from,
          to: options.to,
          reprocess: options.reprocess,
          dryRun: options.dryRun === true,
          ...(options.maxActiveRuns === undefined ? {} : { maxActiveRuns: options.maxActiveRuns }),
        });
        printPlan(flowId, plan, options.dryRun === true);
        if (options.wait && !options.dryRun && plan.runIds.length > 0) await followRuns(control, plan.runIds);
        else if (!options.dryRun && plan.runIds.length > 0 && isLocalEmbedded(control))
          process.stderr.write('(the runs start when a worker runs: `strata up`, or add --wait to run them here)\n');
      });
    });
}

function printPlan(flowId: string, plan: BackfillView, dryRun: boolean): void {
  const verb = dryRun ? 'would ' : '';
  const lines = [
    `backfill of ${flowId}${plan.backfillId === null ? ' (dry run)' : ` #${plan.backfillId}`}: ${verb}create ${plan.create.length}, ${verb}re-run ${plan.rerun.length}, keep ${plan.kept.length}`,
    ...plan.create.map((d) => `  create  ${dateText(d)}`),
    ...plan.rerun.map((r) => `  re-run  ${dateText(r.logicalDate)}  (run ${r.runId}, ${r.state})`),
    ...plan.kept.map((r) => `  keep    ${dateText(r.logicalDate)}  (run ${r.runId}, ${r.state})`),
  ];
  if (plan.runIds.length > 0) lines.push(`runs: ${plan.runIds.join(', ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
