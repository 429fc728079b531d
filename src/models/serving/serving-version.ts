/**
 * Which version serves a request: the version asked for; else the alias asked for; else
 * the model's traffic policy when it has one (a split sticky by the request's key, or a
 * shadow version that also scores it); else the `champion` alias. The predict route calls
 * this one function per request, so a policy change applies to the next request.
 */
export const DEFAULT_SERVING_ALIAS = 'champion';

export interface ServingRequest {
  readonly alias?: string;
  readonly version?: number;
  /** The request's id: the routing key when the request has no `key`. */
  readonly requestId: string;
  /** An entity key: a policy's split is sticky by it (one user, one model). */
  readonly key?: string;
}

export interface ServingChoice {
  readonly version: number;
  /** The alias that chose it, when one did. */
  readonly alias?: string;
  /** A version that also scores the request under a shadow policy: logged, never returned. */
  readonly shadow?: number;
  /** True when the model's traffic policy chose. */
  readonly routed?: boolean;
}

/** Registry lookups a choice needs (ModelServer's answer from short-lived caches). */
export interface ServingLookup {
  /** The version `alias` names (ModelNotFoundError when it names none). */
  aliasVersion(model: string, alias: string): Promise<number>;
  /** `version` itself, once known to exist (ModelNotFoundError otherwise). */
  existingVersion(model: string, version: number): Promise<number>;
  /** The model's traffic policy's route for `key`; undefined without a policy. */
  route?(model: string, key: string): Promise<{ readonly serve: number; readonly shadow?: number } | undefined>;
}

export async function chooseServingVersion(
  lookup: ServingLookup,
  model: string,
  request: ServingRequest,
): Promise<ServingChoice> {
  if (request.version !== undefined) {
    return { version: await lookup.existingVersion(model, request.version) };
  }
  if (request.alias !== undefined)
    return { version: await lookup.aliasVersion(model, request.alias), alias: request.alias };
  const route = await lookup.route?.(model, request.key ?? request.requestId);
  if (route !== undefined) {
    return { version: route.serve, routed: true, ...(route.shadow === undefined ? {} : { shadow: route.shadow }) };
  }
  return { version: await lookup.aliasVersion(model, DEFAULT_SERVING_ALIAS), alias: DEFAULT_SERVING_ALIAS };
}
