/**
 * The PostgREST-style filter grammar (see row-query-parser.ts for the whole request
 * grammar). Parsing is pure and only checks syntax; columns, types and values are
 * checked against the table by row-query-compiler.ts.
 *
 *   column=[not.]op.value               one query parameter, e.g. amount=gte.10
 *   or=(cond,cond,...)  and=(...)       not.or=(...)  not.and=(...)
 *   cond  = column.[not.]op.value | [not.]or(cond,...) | [not.]and(cond,...)
 *   op    = eq | neq | gt | gte | lt | lte | like | ilike | in | is
 *   in    value is (v,v,...);  is value is null | true | false | unknown
 *   like/ilike patterns take `*` or `%` as the wildcard (`*` needs no URL escaping)
 *
 * Inside `or=(...)`/`and=(...)` and `in.(...)` a value holding `,` `(` `)` is written
 * in double quotes, with `\"` and `\\` as escapes.
 */
import { BadRequestError } from '../errors.js';

export const FILTER_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'in', 'is'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];
export const IS_VALUES = ['null', 'true', 'false', 'unknown'] as const;
export type IsValue = (typeof IS_VALUES)[number];

export type Condition =
  | {
      readonly kind: 'compare';
      readonly column: string;
      readonly op: Exclude<FilterOp, 'in' | 'is'>;
      readonly value: string;
      readonly negated: boolean;
    }
  | { readonly kind: 'in'; readonly column: string; readonly values: readonly string[]; readonly negated: boolean }
  | { readonly kind: 'is'; readonly column: string; readonly value: IsValue; readonly negated: boolean }
  | {
      readonly kind: 'group';
      readonly join: 'and' | 'or';
      readonly conditions: readonly Condition[];
      readonly negated: boolean;
    };

/** `column=<text>`: the operator and value part of one filter parameter. */
export function parseColumnFilter(column: string, text: string): Condition {
  return parseOperation(column, text, `${column}=${text}`);
}

/** `or=(...)`, `not.and=(...)`: the key says the join, the value lists conditions. */
export function parseLogicalFilter(key: string, text: string): Condition {
  const negated = key.startsWith('not.');
  const join = (negated ? key.slice(4) : key) as 'and' | 'or';
  const reader = new ListReader(text, `${key}=${text}`);
  return { kind: 'group', join, negated, conditions: reader.conditionList() };
}

export function isLogicalKey(key: string): boolean {
  return key === 'or' || key === 'and' || key === 'not.or' || key === 'not.and';
}

function parseOperation(column: string, text: string, where: string): Condition {
  let rest = text;
  let negated = false;
  if (rest.startsWith('not.')) {
    negated = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf('.');
  const op = dot < 0 ? rest : rest.slice(0, dot);
  if (!(FILTER_OPS as readonly string[]).includes(op) || dot < 0) {
    throw new BadRequestError(
      `Malformed filter "${where}": expected [not.]<operator>.<value> with an operator among ${FILTER_OPS.join(', ')}.`,
      { filter: where, operator: op },
    );
  }
  const value = rest.slice(dot + 1);
  if (op === 'in') {
    const reader = new ListReader(value, where);
    return { kind: 'in', column, negated, values: reader.valueList() };
  }
  if (op === 'is') {
    const lower = value.toLowerCase();
    if (!(IS_VALUES as readonly string[]).includes(lower)) {
      throw new BadRequestError(`Malformed filter "${where}": is. takes ${IS_VALUES.join(', ')}, not "${value}".`, {
        filter: where,
        value,
      });
    }
    return { kind: 'is', column, negated, value: lower as IsValue };
  }
  return { kind: 'compare', column, negated, op: op as Exclude<FilterOp, 'in' | 'is'>, value };
}

/** A cursor over `(item,item,...)` text: values for `in`, conditions for `or`/`and`. */
class ListReader {
  #i = 0;

  constructor(
    private readonly text: string,
    private readonly where: string,
  ) {}

  valueList(): string[] {
    const values = this.list(() => this.value());
    this.end();
    return values;
  }

  conditionList(): Condition[] {
    const conditions = this.list(() => this.condition());
    this.end();
    return conditions;
  }

  private list<T>(item: () => T): T[] {
    this.expect('(');
    const items: T[] = [];
    if (this.text[this.#i] === ')') {
      this.#i++;
      return items;
    }
    for (;;) {
      items.push(item());
      const c = this.text[this.#i++];
      if (c === ')') return items;
      if (c !== ',') this.fail(`expected "," or ")" at position ${this.#i - 1}`);
    }
  }

  private condition(): Condition {
    let negated = false;
    if (this.text.startsWith('not.', this.#i) && /^not\.(or|and)\(/.test(this.text.slice(this.#i))) {
      negated = true;
      this.#i += 4;
    }
    const group = /^(or|and)\(/.exec(this.text.slice(this.#i));
    if (group) {
      this.#i += group[1]!.length;
      return { kind: 'group', join: group[1] as 'or' | 'and', negated, conditions: this.list(() => this.condition()) };
    }
    const start = this.#i;
    const dot = this.text.indexOf('.', start);
    if (dot <= start) this.fail(`expected column.operator.value at position ${start}`);
    const column = this.text.slice(start, dot);
    if (/[(),"]/.test(column)) this.fail(`"${column}" is not a column name`);
    this.#i = dot + 1;
    // The operation's own text runs to the next top-level "," or ")"; an in-list's parentheses are inside it.
    const opStart = this.#i;
    const prefix = /^(not\.)?in\./.exec(this.text.slice(opStart));
    if (prefix) {
      this.#i += prefix[0].length;
      const values = this.list(() => this.value());
      return { kind: 'in', column, negated: prefix[1] !== undefined, values };
    }
    const head = /^(not\.)?[a-z]+\./.exec(this.text.slice(opStart));
    if (!head) this.fail(`expected an operator after "${column}."`);
    this.#i += head![0].length;
    const value = this.value();
    return parseOperation(column, head![0] + value, this.where);
  }

  private value(): string {
    if (this.text[this.#i] === '"') {
      let out = '';
      this.#i++;
      while (this.#i < this.text.length) {
        const c = this.text[this.#i++]!;
        if (c === '\\') out += this.text[this.#i++] ?? '';
        else if (c === '"') return out;
        else out += c;
      }
      this.fail('unterminated double-quoted value');
    }
    const start = this.#i;
    while (this.#i < this.text.length && !',()'.includes(this.text[this.#i]!)) this.#i++;
    return this.text.slice(start, this.#i);
  }

  private expect(c: string): void {
    if (this.text[this.#i] !== c) this.fail(`expected "${c}" at position ${this.#i}`);
    this.#i++;
  }

  private end(): void {
    if (this.#i !== this.text.length) this.fail(`unexpected text after position ${this.#i}`);
  }

  private fail(reason: string): never {
    throw new BadRequestError(`Malformed filter "${this.where}": ${reason}.`, { filter: this.where });
  }
}
