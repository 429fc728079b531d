/**
 * The API server's FeatureServer: the one given in the options, or one opened over the
 * warehouse (applied definitions, its online store) on the first feature request. REST
 * and GraphQL share it through the ApiContext; the server closes it (only if it opened it).
 */
import type { Catalog } from '../../catalog/index.js';
import { openFeatureServer, type FeatureServer } from '../../features/index.js';

export interface FeatureServerHandle {
  get(): FeatureServer | Promise<FeatureServer>;
  close(): Promise<void>;
}

export function featureServerHandle(catalog: Catalog, given?: FeatureServer): FeatureServerHandle {
  let opened: Promise<FeatureServer> | undefined;
  return {
    get: () =>
      given ??
      (opened ??= openFeatureServer(catalog).catch((error: unknown) => {
        opened = undefined; // the next request tries again
        throw error;
      })),
    close: async () => {
      const open = await opened?.catch(() => undefined);
      opened = undefined;
      await open?.close();
    },
  };
}
