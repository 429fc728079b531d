/** A write committed through `/v1/sql` is announced to the stream listeners of its table. */
import { formatTableName, quoteIdentifier } from '../../catalog/index.js';
import type { Statement, StatementResult } from '../../engine/index.js';
import type { ApiContext } from '../api-context.js';

export function announce(ctx: ApiContext, statement: Statement, result: StatementResult): void {
  if (result.version === undefined) return;
  const ref = statement.kind === 'merge' ? statement.target : 'name' in statement ? statement.name : undefined;
  if (ref === undefined) return;
  const name = formatTableName(
    ctx.catalog.resolve(
      ref.schema === undefined ? quoteIdentifier(ref.table) : { schema: ref.schema, table: ref.table },
    ),
  );
  ctx.events.tableCommitted(name);
}
