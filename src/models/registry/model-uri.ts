/**
 * `models:/` URIs, the one way a model version is named everywhere (serving, batch
 * scoring, the CLI): `models:/name/3` (a version), `models:/name@champion` (an alias),
 * `models:/name/Production` (the newest version in a deprecated stage) and
 * `models:/name/latest`. Names may contain slashes; the last part decides.
 */
import { ModelInvalidParameterError } from '../errors.js';
import { STAGES, type ModelReference } from './registry-types.js';

const PREFIX = 'models:/';

export function parseModelUri(uri: string): ModelReference {
  const invalid = (): never => {
    throw new ModelInvalidParameterError(
      `Not a valid models:/ URI: '${uri}'. Use models:/<name>/<version>, models:/<name>@<alias>, models:/<name>/<stage> or models:/<name>/latest.`,
      { uri },
    );
  };
  if (!uri.startsWith(PREFIX)) invalid();
  const rest = uri.slice(PREFIX.length).replace(/^\/+/, '');
  const at = rest.lastIndexOf('@');
  if (at > 0 && !rest.slice(at).includes('/')) {
    const alias = rest.slice(at + 1);
    if (alias === '') invalid();
    return { kind: 'alias', name: rest.slice(0, at), alias };
  }
  const slash = rest.lastIndexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return invalid();
  const name = rest.slice(0, slash);
  const last = rest.slice(slash + 1);
  if (/^\d+$/.test(last)) return { kind: 'version', name, version: Number(last) };
  if (last.toLowerCase() === 'latest') return { kind: 'latest', name };
  const stage = STAGES.find((s) => s.toLowerCase() === last.toLowerCase());
  return stage === undefined ? invalid() : { kind: 'stage', name, stage };
}
