/**
 * Which version serves a request. Today: the version asked for, or the alias's version
 * (default alias `champion`). A traffic policy (champion/challenger splits, shadowing)
 * plugs in here and only here: the predict route calls this one function per request.
 */
export const DEFAULT_SERVING_ALIAS = 'champion';

export interface ServingRequest {
  readonly alias?: string;
  readonly version?: number;
  /** The request's id (a policy may hash it to split traffic deterministically). */
  readonly requestId: string;
}

export interface ServingChoice {
  readonly version: number;
  /** The alias that chose it, when one did. */
  readonly alias?: string;
}

/** Registry lookups a choice needs (ModelServer's answer from short-lived caches). */
export interface ServingLookup {
  /** The version `alias` names (ModelNotFoundError when it names none). */
  aliasVersion(model: string, alias: string): Promise<number>;
  /** `version` itself, once known to exist (ModelNotFoundError otherwise). */
  existingVersion(model: string, version: number): Promise<number>;
}

export async function chooseServingVersion(
  lookup: ServingLookup,
  model: string,
  request: ServingRequest,
): Promise<ServingChoice> {
  if (request.version !== undefined) {
    return { version: await lookup.existingVersion(model, request.version) };
  }
  const alias = request.alias ?? DEFAULT_SERVING_ALIAS;
  return { version: await lookup.aliasVersion(model, alias), alias };
}
