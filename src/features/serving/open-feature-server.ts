/**
 * A FeatureServer for a warehouse: the applied definitions (with on-demand functions from
 * its features/ files) over the configured online store (STRATA_ONLINE_STORE_URL, else
 * the embedded store in `<warehouse>/online`). Definitions are read once: a server sees
 * later applies when it is opened again.
 */
import type { Catalog } from '../../catalog/index.js';
import { openOnlineStore, resolveOnlineStoreUrl, type OnlineStoreOptions } from '../online/index.js';
import { FeatureRegistry } from '../registry/feature-registry.js';
import { FeatureServer, type FeatureServerOptions } from './feature-server.js';
import { servingDefinitions } from './serving-definitions.js';

export interface OpenFeatureServerOptions extends FeatureServerOptions {
  /** The online store URL or directory; default: STRATA_ONLINE_STORE_URL or the warehouse's embedded store. */
  readonly url?: string;
  readonly store?: OnlineStoreOptions;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export async function openFeatureServer(
  catalog: Catalog,
  options: OpenFeatureServerOptions = {},
): Promise<FeatureServer> {
  const registry = await FeatureRegistry.over(catalog);
  const definitions = await servingDefinitions(registry);
  const url = resolveOnlineStoreUrl({
    warehouse: catalog.warehouse.directory,
    ...(options.url === undefined ? {} : { url: options.url }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  return new FeatureServer(definitions, openOnlineStore(url, options.store ?? {}), options);
}
