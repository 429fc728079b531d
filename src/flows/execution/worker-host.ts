/**
 * What a worker offers its running attempts (TaskHost): log lines gathered for the
 * worker's next batch, checkpoints read and written in the metadata database (writes
 * fenced by lease token, like completions), and catalog table locations.
 */
import { sql } from 'kysely';
import { InvalidArgumentError } from '../../core/index.js';
import { LeaseLostError } from '../errors.js';
import type { AttemptRef, LogStream, TaskHost } from './executor.js';
import type { JsonValue } from '../definition/flow-definition.js';
import type { QueueContext } from '../queue/queue-context.js';

export interface LogLine {
  readonly taskInstanceId: number;
  readonly attempt: number;
  readonly stream: LogStream;
  readonly line: string;
}

export function workerHost(
  ctx: QueueContext,
  pushLog: (line: LogLine) => void,
  tableLocation: ((name: string) => Promise<string>) | undefined,
): TaskHost {
  return {
    log: ({ taskInstanceId, attempt }: AttemptRef, line: string, stream: LogStream) =>
      pushLog({ taskInstanceId, attempt, stream, line }),
    loadCheckpoint: async ({ taskInstanceId }: AttemptRef) => {
      const row = await ctx.meta.db
        .selectFrom('task_checkpoints')
        .select('value')
        .where('task_instance_id', '=', taskInstanceId)
        .executeTakeFirst();
      return row === undefined ? undefined : (row.value as JsonValue);
    },
    tableLocation: async (_attempt: AttemptRef, name: string) => {
      if (tableLocation === undefined)
        throw new InvalidArgumentError(
          `ctx.tableLocation("${name}"): this worker has no catalog (it was started without a warehouse).`,
        );
      return tableLocation(name);
    },
    // An attempt whose lease moved on must not overwrite its successor's progress.
    saveCheckpoint: async ({ taskInstanceId, leaseToken, attempt }: AttemptRef, value: JsonValue) => {
      const { rows } = await sql<{ id: number }>`
        insert into task_checkpoints (task_instance_id, attempt, value)
        select ${taskInstanceId}, ${attempt}, ${JSON.stringify(value)}::jsonb
        where exists (select 1 from task_instances where id = ${taskInstanceId} and lease_token = ${leaseToken} and state = 'running')
        on conflict (task_instance_id) do update set attempt = excluded.attempt, value = excluded.value, saved_at = now()
        returning task_instance_id as id`.execute(ctx.meta.db);
      if (rows.length === 0) throw new LeaseLostError(taskInstanceId, attempt);
    },
  };
}

export async function writeTaskLogs(ctx: QueueContext, logs: readonly LogLine[]): Promise<void> {
  if (logs.length === 0) return;
  await sql`
    insert into task_logs (task_instance_id, attempt, stream, line)
    select * from unnest(${logs.map((l) => l.taskInstanceId)}::bigint[], ${logs.map((l) => l.attempt)}::int[],
                         ${logs.map((l) => l.stream)}::text[], ${logs.map((l) => l.line)}::text[])`.execute(
    ctx.meta.db,
  );
}
