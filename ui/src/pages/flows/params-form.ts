/**
 * The trigger form generated from a flow's params schema (GET /v1/flows/{id}
 * `paramsSchema`): one field per parameter, its input kind from the schema's type, its
 * initial text from the default; reading the form back gives typed values, or the
 * fields that do not parse (shown beside them before anything is sent).
 */

export interface ParamsSchemaInput {
  readonly properties: Readonly<Record<string, { readonly type?: string; readonly default?: unknown }>>;
}

export type FieldKind = 'text' | 'number' | 'boolean' | 'json';

export interface ParamField {
  readonly name: string;
  readonly kind: FieldKind;
  /** What the input starts with: the default as text ('true'/'false' for a checkbox). */
  readonly initial: string;
}

export function paramFields(schema: ParamsSchemaInput): ParamField[] {
  return Object.entries(schema.properties).map(([name, p]) => {
    const kind: FieldKind =
      p.type === 'string'
        ? 'text'
        : p.type === 'number' || p.type === 'integer'
          ? 'number'
          : p.type === 'boolean'
            ? 'boolean'
            : 'json';
    const initial = kind === 'text' ? String(p.default ?? '') : JSON.stringify(p.default ?? null);
    return { name, kind, initial };
  });
}

export type ParsedParams =
  | { readonly kind: 'ok'; readonly params: Record<string, unknown> }
  | { readonly kind: 'invalid'; readonly errors: Readonly<Record<string, string>> };

/** Only values changed from their defaults are sent: the run keeps the flow's defaults for the rest. */
export function parseParams(fields: readonly ParamField[], values: Readonly<Record<string, string>>): ParsedParams {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const text = values[field.name] ?? field.initial;
    if (text === field.initial) continue;
    switch (field.kind) {
      case 'text':
        params[field.name] = text;
        break;
      case 'boolean':
        params[field.name] = text === 'true';
        break;
      case 'number':
        if (text.trim() === '' || !Number.isFinite(Number(text))) errors[field.name] = `"${text}" is not a number`;
        else params[field.name] = Number(text);
        break;
      case 'json':
        try {
          params[field.name] = JSON.parse(text) as unknown;
        } catch {
          errors[field.name] = 'not valid JSON';
        }
    }
  }
  return Object.keys(errors).length > 0 ? { kind: 'invalid', errors } : { kind: 'ok', params };
}
