/**
 * GraphQL names for catalog names. `main.sales` (the default schema) is `sales`,
 * `other.t` is `other__t`; characters GraphQL names cannot hold become `_`, a leading
 * digit gets a `_` prefix, and a name that would clash with another (or with a fixed
 * name of the schema) gets a numeric suffix. Assignment is deterministic: tables are
 * named in sorted catalog-name order, so the same catalog always gives the same names.
 */
import { DEFAULT_SCHEMA } from '../../catalog/index.js';

/** Root field and type names the generated per-table names must not take. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'Query',
  'Mutation',
  'Subscription',
  'String',
  'Int',
  'Float',
  'Boolean',
  'ID',
  'BigInt',
  'JSON',
  'strata_tables',
  'Flow',
  'Run',
  'Task',
  'TriggeredRun',
  'RunEvent',
  'order_by',
  'flows',
  'runs',
  'run',
  'trigger_flow',
  'run_changes',
  'String_comparison_exp',
  'Int_comparison_exp',
  'Float_comparison_exp',
  'Boolean_comparison_exp',
  'BigInt_comparison_exp',
  'JSON_comparison_exp',
  '_service',
  '_entities',
  '_Service',
  '_Entity',
  '_Any',
  'link__Import',
  'federation__FieldSet',
  'link__Purpose',
]);

/** A valid GraphQL name from any text (never starting with `__`, which GraphQL reserves). */
export function sanitizeName(text: string): string {
  let name = text.replace(/[^_0-9A-Za-z]/g, '_');
  if (name === '' || /^[0-9]/.test(name)) name = `_${name}`;
  if (name.startsWith('__')) name = `x${name}`;
  return name;
}

export function tableBaseName(schema: string, table: string): string {
  return sanitizeName(schema === DEFAULT_SCHEMA ? table : `${schema}__${table}`);
}

/** Names every key uniquely: `base`, then `base_2`, `base_3`, ... past taken and reserved ones. */
export function assignNames<K>(
  entries: readonly (readonly [K, string])[],
  taken: ReadonlySet<string>,
  clashes: (name: string) => readonly string[] = (n) => [n],
): Map<K, string> {
  const used = new Set<string>(taken);
  const out = new Map<K, string>();
  for (const [key, base] of entries) {
    let name = base;
    for (let n = 2; clashes(name).some((c) => used.has(c)); n++) name = `${base}_${n}`;
    for (const c of clashes(name)) used.add(c);
    out.set(key, name);
  }
  return out;
}

/** Every root field and type name a table named `name` generates (so a clash on any of them renames the table). */
export function tableDerivedNames(name: string): string[] {
  return [
    name,
    `${name}_aggregate`,
    `${name}_changes`,
    `insert_${name}`,
    `update_${name}`,
    `delete_${name}`,
    ...[
      'bool_exp',
      'order_by',
      'select_column',
      'aggregate_fields',
      'group',
      'group_key',
      'sum_fields',
      'avg_fields',
      'min_fields',
      'max_fields',
      'insert_input',
      'set_input',
      'mutation_response',
      'commit',
      'change',
    ].map((suffix) => `${name}_${suffix}`),
  ];
}
