/** OPTIMIZE, VACUUM, DESCRIBE HISTORY and RESTORE on named lake tables. */
import { describeConstraintChanges, optimize, restore, vacuum } from '../../lake/index.js';
import { message, rowsResult, nameOf, type StatementResult, type ExecutionSession } from './statement-results.js';
import type { Statement } from '../sql/statement-parser.js';

type MaintenanceStatement = Extract<Statement, { kind: 'optimize' | 'vacuum' | 'describeHistory' | 'restore' }>;

export async function executeMaintenance(
  session: ExecutionSession,
  statement: MaintenanceStatement,
): Promise<StatementResult> {
  const table = await session.catalog.openTable(nameOf(statement.name));
  switch (statement.kind) {
    case 'optimize': {
      const result = await optimize(table, {
        ...(statement.where ? { where: statement.where } : {}),
        ...(statement.zorderBy.length > 0 ? { zorderBy: statement.zorderBy } : {}),
      });
      const m = result.metrics;
      const row = {
        numFilesRemoved: m.numFilesRemoved,
        numFilesAdded: m.numFilesAdded,
        numBytesRemoved: m.numBytesRemoved,
        numBytesAdded: m.numBytesAdded,
        partitionsOptimized: m.partitionsOptimized,
      };
      const text = result.committed
        ? `optimized: ${m.numFilesRemoved} files rewritten into ${m.numFilesAdded}`
        : 'nothing to optimize';
      return {
        ...rowsResult(statement.kind, [row]),
        message: text,
        ...(result.committed ? { version: result.version } : {}),
      };
    }
    case 'vacuum': {
      const result = await vacuum(table.snapshot, {
        dryRun: statement.dryRun,
        ...(statement.retainHours !== undefined ? { retentionHours: statement.retainHours } : {}),
      });
      const rows = result.deleted.map((path) => ({ path }));
      return {
        ...rowsResult(statement.kind, rows, { path: 'VARCHAR' }),
        message: `${result.dryRun ? 'would delete' : 'deleted'} ${result.deleted.length} files (retention ${result.retentionHours} hours)`,
      };
    }
    case 'describeHistory': {
      const history = await table.history(statement.limit);
      return rowsResult(
        statement.kind,
        history.map((h) => ({
          version: h.version,
          timestamp: new Date(h.timestamp).toISOString(),
          operation: h.operation,
          operationParameters: JSON.stringify(h.operationParameters),
          readVersion: h.readVersion ?? null,
          isBlindAppend: h.isBlindAppend ?? null,
          engineInfo: h.engineInfo ?? null,
          operationMetrics: JSON.stringify(h.operationMetrics),
        })),
        {
          version: 'BIGINT',
          timestamp: 'VARCHAR',
          operation: 'VARCHAR',
          operationParameters: 'VARCHAR',
          readVersion: 'BIGINT',
          isBlindAppend: 'BOOLEAN',
          engineInfo: 'VARCHAR',
          operationMetrics: 'VARCHAR',
        },
      );
    }
    case 'restore': {
      const result = await restore(
        table,
        statement.version !== undefined ? { version: statement.version } : { timestamp: statement.timestamp! },
      );
      return message(
        statement.kind,
        `restored ${nameOf(statement.name)} to version ${result.restoredVersion}${describeConstraintChanges(result.constraints)}`,
        result.version,
      );
    }
  }
}
