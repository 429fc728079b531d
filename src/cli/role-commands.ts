/**
 * `strata scheduler`, `strata worker`, `strata serve` (the HTTP API) and `strata up`
 * (all three in one process): the long-running roles. Each prints one line when it starts (what it
 * runs, on which database, from which flows folder) and one per finished run, and
 * stops on SIGINT/SIGTERM: the worker lets running attempts finish first. On an
 * embedded warehouse the process owns the database, so it serves the control socket
 * through which `strata flow ...` in other processes reach it.
 */
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import {
  ChildProcessExecutor,
  controlSocketPath,
  ControlServer,
  FlowSystem,
  InProcessExecutor,
  LocalFlowControl,
  sourceFileResolver,
  type Executor,
} from '../flows/index.js';
import type { ApiServer } from '../api/index.js';
import { LOG_FORMATS, LOG_LEVELS, createLogger, type LogFormat, type LogLevel } from '../core/index.js';
import { MetaKind } from '../meta/index.js';
import { addApiOptions, apiAnnouncement, startApi, type ApiCliOptions } from './api-options.js';
import { dateText, durationText, runDurationMs } from './flow-format.js';
import { positiveInteger } from './option-parsers.js';

interface RoleOptions extends Partial<ApiCliOptions> {
  /** `--no-api` on `strata up`. */
  readonly api?: boolean;
  readonly warehouse?: string;
  readonly flows?: string;
  readonly logLevel?: LogLevel;
  readonly logFormat?: LogFormat;
  readonly tickMs?: number;
  readonly slots?: number;
  readonly executor?: 'child-process' | 'in-process';
  readonly prefetch?: number;
  readonly retentionDays?: number;
}

type Role = 'scheduler' | 'worker' | 'api';

const ANNOUNCE_MS = 500;

export function registerRoleCommands(program: Command): void {
  const common = (command: Command) =>
    command
      .option('--warehouse <dir>', 'the warehouse (default: found from the current directory or STRATA_WAREHOUSE)')
      .option('--flows <dir>', "the flows folder (default: the warehouse's flows/)")
      .addOption(new Option('--log-level <level>', 'log level (stderr)').choices(LOG_LEVELS).default('info'))
      .addOption(
        new Option('--log-format <format>', 'log records as JSON lines or readable lines')
          .choices(LOG_FORMATS)
          .default('json'),
      );
  const slots = () =>
    new Option('--slots <n>', 'tasks run at once (default: the CPU count)').argParser(positiveInteger);
  const retention = () =>
    new Option(
      '--retention-days <n>',
      'delete finished runs (with their tasks, attempts and logs) older than this (default: keep)',
    ).argParser(positiveInteger);

  common(
    program
      .command('scheduler')
      .description(
        'run the scheduler: registers flows/, creates scheduled runs, retries, reaps lost workers (until SIGINT/SIGTERM)',
      ),
  )
    .option('--tick-ms <n>', 'time between scheduling rounds', positiveInteger, 1_000)
    .addOption(retention())
    .action((options: RoleOptions) => runRoles(['scheduler'], options));

  common(
    program
      .command('worker')
      .description(
        'run a worker: claims queued tasks and runs them (until SIGINT/SIGTERM; running attempts finish first)',
      ),
  )
    .addOption(slots())
    .addOption(
      new Option(
        '--executor <kind>',
        'child-process: each task in a reused child process; in-process: in this one (no isolation)',
      )
        .choices(['child-process', 'in-process'])
        .default('child-process'),
    )
    .option('--prefetch <n>', 'tasks claimed ahead of free slots (default 4 × slots)', positiveInteger)
    .action((options: RoleOptions) => runRoles(['worker'], options));

  addApiOptions(
    common(program.command('serve').description('serve the HTTP API: REST, GraphQL, streams (until SIGINT/SIGTERM)')),
  ).action((options: RoleOptions) => runRoles(['api'], options));

  addApiOptions(
    common(
      program
        .command('up')
        .description(
          'run a scheduler, a worker and the HTTP API in one process (the embedded defaults: one machine, one process owns the warehouse)',
        ),
    ),
  )
    .addOption(slots())
    .addOption(retention())
    .option('--no-api', 'do not serve the HTTP API')
    .action((options: RoleOptions) =>
      runRoles(options.api === false ? ['scheduler', 'worker'] : ['scheduler', 'worker', 'api'], options),
    );
}

async function runRoles(roles: readonly Role[], options: RoleOptions): Promise<void> {
  const logger = createLogger({ level: options.logLevel ?? 'info', format: options.logFormat ?? 'json' });
  // The roles own an embedded database (and serve it to the other commands): never borrow it.
  const system = await FlowSystem.open({
    exclusive: true,
    ...(options.warehouse === undefined ? {} : { warehouse: options.warehouse }),
    ...(options.flows === undefined ? {} : { flowsDirectory: options.flows }),
  });
  const control = new LocalFlowControl(system);
  let server: ControlServer | undefined;
  let api: ApiServer | undefined;
  let announcer: NodeJS.Timeout | undefined;
  let closed = false;
  try {
    if (system.queue.meta.kind === MetaKind.embedded)
      server = await ControlServer.listen(control, controlSocketPath(system.warehouse), roles);
    const stopped = stopSignal();
    const started = new Date();
    if (roles.includes('scheduler')) {
      await system.startScheduler({
        ...(options.tickMs === undefined ? {} : { tickMs: options.tickMs }),
        ...(options.retentionDays === undefined ? {} : { retentionDays: options.retentionDays }),
        logger,
      });
    }
    let executor: Executor | undefined;
    if (roles.includes('worker')) {
      const slots = options.slots === undefined ? {} : { slots: options.slots };
      executor =
        options.executor === 'in-process'
          ? new InProcessExecutor({ ...slots, resolver: sourceFileResolver() })
          : new ChildProcessExecutor(slots);
      await system.startWorker({
        executor,
        logger,
        ...(options.prefetch === undefined ? {} : { prefetch: options.prefetch }),
      });
    }
    if (roles.includes('api')) api = await startApi(system.catalog, control, options as ApiCliOptions, logger);
    const what = [
      ...(roles.includes('scheduler') ? ['scheduler'] : []),
      ...(executor ? [`worker (${executor.kind}, ${executor.slots} slot${executor.slots === 1 ? '' : 's'})`] : []),
      ...(api ? ['API'] : []),
    ].join(' + ');
    process.stdout.write(
      `strata ${roles.length > 1 ? 'up' : roles[0] === 'api' ? 'serve' : roles[0]}: ${what} on ${system.queue.meta.target}; flows from ${system.flowsDirectory}` +
        `${server === undefined ? '' : `; control socket ${server.socketPath}`} (pid ${process.pid}; Ctrl-C stops)\n`,
    );
    if (api) process.stdout.write(`${apiAnnouncement(api, options.insecureLocal ?? false)}\n`);
    if (api && options.requestLog !== undefined)
      process.stdout.write(`request log: ${path.resolve(options.requestLog)} (a JSON line per request)\n`);
    let since = started;
    const announce = async () => {
      for (const run of await control.finishedSince(since)) {
        process.stdout.write(
          `run ${run.id} ${run.flowId}${run.logicalDate === null ? '' : ` [${dateText(run.logicalDate)}]`} ${run.state} in ${durationText(runDurationMs(run))} (${run.tasksDone}/${run.tasksTotal} tasks)\n`,
        );
        since = new Date(run.endedAt!);
      }
    };
    let announcing = Promise.resolve();
    announcer = setInterval(
      () => (announcing = announcing.then(announce).catch((e: unknown) => void process.stderr.write(`${String(e)}\n`))),
      ANNOUNCE_MS,
    );
    const signal = await stopped;
    process.stdout.write(`${signal}: stopping (running tasks finish first)\n`);
    clearInterval(announcer);
    announcer = undefined;
    await announcing;
    await api?.close();
    api = undefined;
    await server?.close();
    server = undefined;
    // Stops the roles (the worker waits for its running attempts), then the database.
    closed = true;
    await system.close();
    process.stdout.write('stopped\n');
  } finally {
    if (announcer !== undefined) clearInterval(announcer);
    await api?.close();
    await server?.close();
    if (!closed) await system.close();
  }
}

function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
