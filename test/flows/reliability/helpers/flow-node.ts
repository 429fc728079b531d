/**
 * Child process: one orchestrator node on a warehouse (scheduler, worker, or both,
 * like `strata up`), started by the reliability suites with `node --import tsx` so
 * the parent can SIGKILL it at a chosen moment.
 *
 * argv[2] is JSON NodeConfig. Prints `READY` once its roles are started. Answers
 * requests on stdin, one per line, `Q <n> <verb> <arg>` → `A <n> <json>` (or
 * `E <n> <message>`):
 *   TRIGGER <flowId>  creates a manual run          → { runId }
 *   RUN <runId>       the run's summary             → RunSummary
 * `STOP` closes the roles gracefully, prints `STOPPED` and exits 0. When stdin ends
 * (the parent is gone) it exits at once: a node never runs unsupervised.
 */
import {
  ChildProcessExecutor,
  FlowSystem,
  getRun,
  InProcessExecutor,
  loadFlowFile,
  type Executor,
} from '../../../../src/flows/index.js';

export interface NodeConfig {
  readonly warehouse: string;
  readonly env: Readonly<Record<string, string>>;
  readonly scheduler?: { readonly tickMs: number };
  readonly worker?: {
    readonly id: string;
    readonly leaseMs: number;
    readonly executor: 'child-process' | 'in-process';
    readonly slots?: number;
  };
}

function executorFor(kind: 'child-process' | 'in-process', slots: number): Executor {
  if (kind === 'child-process') return new ChildProcessExecutor({ slots });
  return new InProcessExecutor({
    slots,
    resolver: {
      async resolve(flowId, sourceFile) {
        const flow = (await loadFlowFile(sourceFile ?? '')).find((candidate) => candidate.id === flowId);
        if (flow === undefined) throw new Error(`no flow ${flowId} in ${sourceFile}`);
        return flow;
      },
    },
  });
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]!) as NodeConfig;
  const system = await FlowSystem.open({ warehouse: config.warehouse, env: config.env });
  const report = (role: string) => (error: Error) => process.stderr.write(`${role}: ${error.stack ?? error.message}\n`);
  if (config.scheduler !== undefined)
    await system.startScheduler({ tickMs: config.scheduler.tickMs, reloadMs: 60_000, onError: report('scheduler') });
  if (config.worker !== undefined) {
    const { id, leaseMs, executor, slots } = config.worker;
    await system.startWorker({
      id,
      leaseMs,
      pollMs: 100,
      executor: executorFor(executor, slots ?? 2),
      onError: report('worker'),
    });
  }

  let buffered = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('end', () => process.exit(3));
  process.stdin.on('data', (chunk: string) => {
    const lines = (buffered + chunk).split('\n');
    buffered = lines.pop()!;
    for (const line of lines) void handle(system, line.trim());
  });
  process.stdout.write('READY\n');
}

async function handle(system: FlowSystem, line: string): Promise<void> {
  if (line === 'STOP') {
    await system.close();
    process.stdout.write('STOPPED\n');
    process.exit(0);
  }
  const match = /^Q (\d+) (\w+) (.*)$/.exec(line);
  if (match === null) return;
  const [, n, verb, arg] = match as unknown as [string, string, string, string];
  try {
    let answer: unknown;
    if (verb === 'TRIGGER') answer = { runId: (await system.trigger(arg)).runId };
    else if (verb === 'RUN') answer = (await getRun(system.queue.meta.db, Number(arg))) ?? null;
    else throw new Error(`unknown request ${verb}`);
    process.stdout.write(`A ${n} ${JSON.stringify(answer)}\n`);
  } catch (error) {
    process.stdout.write(`E ${n} ${(error as Error).message.replaceAll('\n', ' ')}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
