/**
 * Resolves flows for an in-process executor from their source files (what the
 * scheduler registered), so `strata worker --executor in-process` runs the same
 * files the child-process executor would import.
 */
import type { FlowResolver } from '../execution/executor.js';
import { FlowNotFoundError } from '../errors.js';
import { loadFlowFile } from './flow-loader.js';

export function sourceFileResolver(): FlowResolver {
  return {
    async resolve(flowId, sourceFile) {
      // loadFlowFile caches by content hash, so this is an import only when the file changed.
      const flows = sourceFile === undefined ? [] : await loadFlowFile(sourceFile);
      const flow = flows.find((f) => f.id === flowId);
      if (flow === undefined)
        throw new FlowNotFoundError(
          flowId,
          flows.map((f) => f.id),
        );
      return flow;
    },
  };
}
