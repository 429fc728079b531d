/**
 * Recognizes the statements Strata executes itself — DDL on lake tables, DML as Delta
 * transactions, and table maintenance — and leaves every other statement to DuckDB as
 * a query. Expressions (predicates, SET values, subqueries) are kept as their SQL text:
 * DuckDB evaluates them, so this parser only finds their boundaries.
 */
import { UnsupportedStatementError } from '../errors.js';
import { significant, stringValue, tokenize, type Token } from './sql-tokenizer.js';

export interface TableRef {
  readonly schema?: string;
  readonly table: string;
}

export type MergeAction =
  | { readonly kind: 'update'; readonly set: ReadonlyArray<readonly [string, string]> | '*' }
  | { readonly kind: 'delete' }
  | { readonly kind: 'insert'; readonly columns?: readonly string[]; readonly values: readonly string[] | '*' };

export interface MergeClause {
  readonly when: 'matched' | 'notMatched' | 'notMatchedBySource';
  readonly condition?: string;
  readonly action: MergeAction;
}

export type Statement =
  | { readonly kind: 'query'; readonly sql: string; readonly explain: boolean }
  | {
      readonly kind: 'createTable';
      readonly name: TableRef;
      readonly ifNotExists: boolean;
      readonly orReplace: boolean;
      readonly columns?: string;
      readonly partitionedBy: readonly string[];
      readonly properties: Readonly<Record<string, string>>;
      readonly location?: string;
      readonly asQuery?: string;
    }
  | { readonly kind: 'createSchema'; readonly schema: string; readonly ifNotExists: boolean }
  | { readonly kind: 'dropTable'; readonly name: TableRef; readonly ifExists: boolean; readonly purge: boolean }
  | { readonly kind: 'addColumns'; readonly name: TableRef; readonly columns: string }
  | { readonly kind: 'addConstraint'; readonly name: TableRef; readonly constraint: string; readonly check: string }
  | {
      readonly kind: 'dropConstraint';
      readonly name: TableRef;
      readonly constraint: string;
      readonly ifExists: boolean;
    }
  | { readonly kind: 'setProperties'; readonly name: TableRef; readonly properties: Readonly<Record<string, string>> }
  | {
      readonly kind: 'insert';
      readonly name: TableRef;
      readonly columns?: readonly string[];
      readonly query: string;
      readonly overwrite: boolean;
    }
  | { readonly kind: 'delete'; readonly name: TableRef; readonly alias?: string; readonly where?: string }
  | {
      readonly kind: 'update';
      readonly name: TableRef;
      readonly alias?: string;
      readonly set: ReadonlyArray<readonly [string, string]>;
      readonly where?: string;
    }
  | {
      readonly kind: 'merge';
      readonly target: TableRef;
      readonly targetAlias?: string;
      readonly source: string;
      readonly sourceAlias?: string;
      readonly on: string;
      readonly clauses: readonly MergeClause[];
    }
  | {
      readonly kind: 'optimize';
      readonly name: TableRef;
      readonly where?: string;
      readonly zorderBy: readonly string[];
    }
  | { readonly kind: 'vacuum'; readonly name: TableRef; readonly retainHours?: number; readonly dryRun: boolean }
  | { readonly kind: 'describeHistory'; readonly name: TableRef; readonly limit?: number }
  | { readonly kind: 'describeTable'; readonly name: TableRef }
  | { readonly kind: 'restore'; readonly name: TableRef; readonly version?: number; readonly timestamp?: string }
  | { readonly kind: 'showTables'; readonly schema?: string };

/** Splits a script into statements at top-level semicolons (not inside strings or comments). */
export function splitStatements(script: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const token of tokenize(script)) {
    if (token.kind === 'symbol' && token.text === ';') {
      out.push(script.slice(start, token.start));
      start = token.end;
    }
  }
  out.push(script.slice(start));
  return out.filter((s) => significant(tokenize(s)).length > 0).map((s) => s.trim());
}

export function parseStatement(sql: string): Statement {
  return new Cursor(sql).statement();
}

const CLAUSE_END = new Set([
  'WHERE',
  'ZORDER',
  'WHEN',
  'SET',
  'USING',
  'ON',
  'RETAIN',
  'DRY',
  'LIMIT',
  'TO',
  'PARTITIONED',
  'TBLPROPERTIES',
  'LOCATION',
  'AS',
  'PURGE',
]);

class Cursor {
  private readonly tokens: Token[];
  private i = 0;

  constructor(private readonly sql: string) {
    this.tokens = significant(tokenize(sql));
  }

  statement(): Statement {
    const first = this.peekWord();
    const second = this.peekWord(1);
    if (first === 'CREATE') return this.create();
    if (first === 'DROP' && second === 'TABLE') return this.dropTable();
    if (first === 'ALTER' && second === 'TABLE') return this.alterTable();
    if (first === 'INSERT') return this.insert();
    if (first === 'DELETE' && second === 'FROM') return this.deleteFrom();
    if (first === 'UPDATE') return this.update();
    if (first === 'MERGE') return this.merge();
    if (first === 'OPTIMIZE') return this.optimize();
    if (first === 'VACUUM' && this.tokens.length > 1) return this.vacuum();
    if (first === 'RESTORE') return this.restore();
    if (first === 'DESCRIBE' && second === 'HISTORY') return this.describeHistory();
    if ((first === 'DESCRIBE' || first === 'DESC') && this.tokens.length <= 4 && second !== 'SELECT')
      return this.describeTable();
    if (first === 'SHOW' && second === 'TABLES') return this.showTables();
    const explain = first === 'EXPLAIN';
    return { kind: 'query', sql: this.sql, explain };
  }

  private create(): Statement {
    this.expect('CREATE');
    const orReplace = this.acceptWords('OR', 'REPLACE');
    if (this.acceptWords('SCHEMA')) {
      const ifNotExists = this.acceptWords('IF', 'NOT', 'EXISTS');
      return { kind: 'createSchema', ifNotExists, schema: this.identifier() };
    }
    if (!this.acceptWords('TABLE')) return { kind: 'query', sql: this.sql, explain: false };
    const ifNotExists = this.acceptWords('IF', 'NOT', 'EXISTS');
    const name = this.tableRef();
    let columns: string | undefined;
    if (this.peek()?.text === '(') columns = this.parenthesized();
    let partitionedBy: string[] = [];
    let properties: Record<string, string> = {};
    let asQuery: string | undefined;
    let location: string | undefined;
    for (;;) {
      if (this.acceptWords('PARTITIONED', 'BY')) partitionedBy = this.identifierList();
      else if (this.acceptWords('LOCATION')) location = this.stringLiteral();
      else if (this.acceptWords('TBLPROPERTIES')) properties = this.properties();
      else if (this.acceptWords('AS')) asQuery = this.rest();
      else break;
    }
    this.end();
    return {
      kind: 'createTable',
      name,
      ifNotExists,
      orReplace,
      ...(columns ? { columns } : {}),
      partitionedBy,
      properties,
      ...(location ? { location } : {}),
      ...(asQuery ? { asQuery } : {}),
    };
  }

  private dropTable(): Statement {
    this.expect('DROP');
    this.expect('TABLE');
    const ifExists = this.acceptWords('IF', 'EXISTS');
    const name = this.tableRef();
    const purge = this.acceptWords('PURGE');
    this.end();
    return { kind: 'dropTable', name, ifExists, purge };
  }

  private alterTable(): Statement {
    this.expect('ALTER');
    this.expect('TABLE');
    const name = this.tableRef();
    if (this.acceptWords('ADD', 'CONSTRAINT')) {
      const constraint = this.identifier();
      this.expect('CHECK');
      return { kind: 'addConstraint', name, constraint, check: this.parenthesized() };
    }
    if (this.acceptWords('DROP', 'CONSTRAINT')) {
      const ifExists = this.acceptWords('IF', 'EXISTS');
      return { kind: 'dropConstraint', name, constraint: this.identifier(), ifExists };
    }
    if (this.acceptWords('ADD')) {
      if (!this.acceptWords('COLUMNS')) this.acceptWords('COLUMN');
      const columns = this.peek()?.text === '(' ? this.parenthesized() : this.rest();
      return { kind: 'addColumns', name, columns };
    }
    if (this.acceptWords('SET', 'TBLPROPERTIES')) return { kind: 'setProperties', name, properties: this.properties() };
    throw this.unsupported(
      'ALTER TABLE supports ADD COLUMN(S), ADD CONSTRAINT ... CHECK (...), DROP CONSTRAINT and SET TBLPROPERTIES',
    );
  }

  private insert(): Statement {
    this.expect('INSERT');
    const overwrite = this.acceptWords('OVERWRITE');
    if (!overwrite) this.expect('INTO');
    else this.acceptWords('TABLE');
    const name = this.tableRef();
    let columns: string[] | undefined;
    if (this.peek()?.text === '(' && !['SELECT', 'WITH', 'VALUES'].includes(this.peekWord(1) ?? ''))
      columns = this.identifierList();
    return { kind: 'insert', name, ...(columns ? { columns } : {}), query: this.rest(), overwrite };
  }

  private deleteFrom(): Statement {
    this.expect('DELETE');
    this.expect('FROM');
    const name = this.tableRef();
    const alias = this.optionalAlias();
    const where = this.acceptWords('WHERE') ? this.rest() : undefined;
    this.end();
    return { kind: 'delete', name, ...(alias ? { alias } : {}), ...(where ? { where } : {}) };
  }

  private update(): Statement {
    this.expect('UPDATE');
    const name = this.tableRef();
    const alias = this.optionalAlias();
    this.expect('SET');
    const set = this.assignments(['WHERE']);
    const where = this.acceptWords('WHERE') ? this.rest() : undefined;
    this.end();
    return { kind: 'update', name, ...(alias ? { alias } : {}), set, ...(where ? { where } : {}) };
  }

  private merge(): Statement {
    this.expect('MERGE');
    this.expect('INTO');
    const target = this.tableRef();
    const targetAlias = this.optionalAlias();
    this.expect('USING');
    const source = this.peek()?.text === '(' ? `(${this.parenthesized()})` : this.textOf(this.tableRefTokens());
    const sourceAlias = this.optionalAlias();
    this.expect('ON');
    const on = this.until(['WHEN']);
    const clauses: MergeClause[] = [];
    while (this.acceptWords('WHEN')) clauses.push(this.mergeClause());
    this.end();
    if (clauses.length === 0) throw this.unsupported('MERGE needs at least one WHEN clause');
    return {
      kind: 'merge',
      target,
      ...(targetAlias ? { targetAlias } : {}),
      source,
      ...(sourceAlias ? { sourceAlias } : {}),
      on,
      clauses,
    };
  }

  private mergeClause(): MergeClause {
    let when: MergeClause['when'] = 'matched';
    if (this.acceptWords('NOT', 'MATCHED')) {
      when = this.acceptWords('BY', 'SOURCE') ? 'notMatchedBySource' : 'notMatched';
      if (when === 'notMatched') this.acceptWords('BY', 'TARGET');
    } else this.expect('MATCHED');
    const condition = this.acceptWords('AND') ? this.until(['THEN']) : undefined;
    this.expect('THEN');
    let action: MergeAction;
    if (this.acceptWords('DELETE')) action = { kind: 'delete' };
    else if (this.acceptWords('UPDATE', 'SET')) {
      action =
        this.peek()?.text === '*'
          ? (this.i++, { kind: 'update', set: '*' })
          : { kind: 'update', set: this.assignments(['WHEN']) };
    } else if (this.acceptWords('INSERT')) {
      if (this.peek()?.text === '*') {
        this.i++;
        action = { kind: 'insert', values: '*' };
      } else {
        const columns = this.peek()?.text === '(' ? this.identifierList() : undefined;
        this.expect('VALUES');
        action = { kind: 'insert', ...(columns ? { columns } : {}), values: splitTopLevel(this.parenthesized()) };
      }
    } else throw this.unsupported('a MERGE clause must be THEN UPDATE SET ..., THEN DELETE or THEN INSERT ...');
    return { when, ...(condition ? { condition } : {}), action };
  }

  private optimize(): Statement {
    this.expect('OPTIMIZE');
    const name = this.tableRef();
    const where = this.acceptWords('WHERE') ? this.until(['ZORDER']) : undefined;
    const zorderBy = this.acceptWords('ZORDER', 'BY') ? this.identifierList() : [];
    this.end();
    return { kind: 'optimize', name, ...(where ? { where } : {}), zorderBy };
  }

  private vacuum(): Statement {
    this.expect('VACUUM');
    const name = this.tableRef();
    let retainHours: number | undefined;
    if (this.acceptWords('RETAIN')) {
      retainHours = Number(this.next().text);
      this.expect('HOURS');
    }
    const dryRun = this.acceptWords('DRY', 'RUN');
    this.end();
    return { kind: 'vacuum', name, ...(retainHours !== undefined ? { retainHours } : {}), dryRun };
  }

  private restore(): Statement {
    this.expect('RESTORE');
    this.acceptWords('TABLE');
    const name = this.tableRef();
    this.expect('TO');
    if (this.acceptWords('VERSION', 'AS', 'OF')) {
      const version = Number(this.next().text);
      this.end();
      return { kind: 'restore', name, version };
    }
    this.expect('TIMESTAMP');
    this.expect('AS');
    this.expect('OF');
    const token = this.next();
    this.end();
    return { kind: 'restore', name, timestamp: token.kind === 'string' ? stringValue(token) : token.text };
  }

  private describeHistory(): Statement {
    this.expect('DESCRIBE');
    this.expect('HISTORY');
    const name = this.tableRef();
    const limit = this.acceptWords('LIMIT') ? Number(this.next().text) : undefined;
    this.end();
    return { kind: 'describeHistory', name, ...(limit !== undefined ? { limit } : {}) };
  }

  private describeTable(): Statement {
    this.next();
    this.acceptWords('TABLE');
    const name = this.tableRef();
    this.end();
    return { kind: 'describeTable', name };
  }

  private showTables(): Statement {
    this.expect('SHOW');
    this.expect('TABLES');
    const schema = this.acceptWords('IN') || this.acceptWords('FROM') ? this.identifier() : undefined;
    this.end();
    return { kind: 'showTables', ...(schema ? { schema } : {}) };
  }

  // ---- pieces ----

  private tableRefTokens(): Token[] {
    const parts = [this.nameToken()];
    while (this.peek()?.text === '.') {
      this.i++;
      parts.push(this.nameToken());
    }
    return parts;
  }

  private tableRef(): TableRef {
    const parts = this.tableRefTokens().map(identifierValue);
    if (parts.length > 2)
      throw this.unsupported(`table names are schema.table; "${parts.join('.')}" has ${parts.length} parts`);
    return parts.length === 2 ? { schema: parts[0]!, table: parts[1]! } : { table: parts[0]! };
  }

  private stringLiteral(): string {
    const token = this.next();
    if (token.kind !== 'string') throw this.unsupported(`expected a string literal, found "${token.text}"`, token);
    return stringValue(token);
  }

  private optionalAlias(): string | undefined {
    if (this.acceptWords('AS')) return this.identifier();
    const next = this.peek();
    if (next && (next.kind === 'quoted' || (next.kind === 'word' && !CLAUSE_END.has(next.text.toUpperCase()))))
      return this.identifier();
    return undefined;
  }

  private identifier(): string {
    return identifierValue(this.nameToken());
  }

  private nameToken(): Token {
    const token = this.next();
    if (token.kind !== 'word' && token.kind !== 'quoted')
      throw this.unsupported(`expected a name, found "${token.text}"`, token);
    return token;
  }

  private identifierList(): string[] {
    return splitTopLevel(this.parenthesized()).map((part) => identifierValue(significant(tokenize(part))[0]!));
  }

  private properties(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const entry of splitTopLevel(this.parenthesized())) {
      const tokens = significant(tokenize(entry));
      const eq = tokens.findIndex((t) => t.text === '=');
      if (eq < 0) throw this.unsupported(`a table property is 'key' = 'value', not ${entry}`);
      const text = (list: Token[]) =>
        list.length === 1 && list[0]!.kind === 'string' ? stringValue(list[0]!) : list.map((t) => t.text).join('');
      out[text(tokens.slice(0, eq))] = text(tokens.slice(eq + 1));
    }
    return out;
  }

  /** `a = expr, b = expr` up to one of `stops` at the top level. */
  private assignments(stops: readonly string[]): Array<[string, string]> {
    return splitTopLevel(this.until(stops)).map((assignment) => {
      const tokens = significant(tokenize(assignment));
      const eq = tokens.findIndex((t) => t.text === '=');
      if (eq < 1) throw this.unsupported(`expected column = expression, found ${assignment}`);
      const column = identifierValue(tokens[eq - 1]!);
      return [column, assignment.slice(tokens[eq]!.end).trim()];
    });
  }

  /** The text of a parenthesized group (without the parentheses), consuming it. */
  private parenthesized(): string {
    const open = this.next();
    if (open.text !== '(') throw this.unsupported(`expected "(", found "${open.text}"`, open);
    let depth = 1;
    while (this.i < this.tokens.length) {
      const token = this.next();
      if (token.text === '(') depth++;
      if (token.text === ')' && --depth === 0) return this.sql.slice(open.end, token.start).trim();
    }
    throw this.unsupported('unbalanced parentheses', open);
  }

  /** Text from here up to the first top-level word in `stops` (or the end). */
  private until(stops: readonly string[]): string {
    const from = this.peek();
    if (!from) throw this.unsupported('the statement ends too early');
    let depth = 0;
    let last: Token | undefined;
    while (this.i < this.tokens.length) {
      const token = this.tokens[this.i]!;
      if (depth === 0 && token.kind === 'word' && stops.includes(token.text.toUpperCase())) break;
      if (token.text === '(') depth++;
      if (token.text === ')') depth--;
      last = token;
      this.i++;
    }
    return last ? this.sql.slice(from.start, last.end).trim() : '';
  }

  private rest(): string {
    const from = this.peek();
    if (!from) throw this.unsupported('the statement ends too early');
    this.i = this.tokens.length;
    return this.sql.slice(from.start).trim();
  }

  private textOf(tokens: readonly Token[]): string {
    return this.sql.slice(tokens[0]!.start, tokens[tokens.length - 1]!.end);
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  private peekWord(offset = 0): string | undefined {
    const token = this.peek(offset);
    return token?.kind === 'word' ? token.text.toUpperCase() : undefined;
  }

  private next(): Token {
    const token = this.tokens[this.i++];
    if (!token) throw this.unsupported('the statement ends too early');
    return token;
  }

  private expect(word: string): void {
    const token = this.next();
    if (token.kind !== 'word' || token.text.toUpperCase() !== word)
      throw this.unsupported(`expected ${word}, found "${token.text}"`, token);
  }

  private acceptWords(...words: string[]): boolean {
    if (!words.every((w, k) => this.peekWord(k) === w)) return false;
    this.i += words.length;
    return true;
  }

  private end(): void {
    const extra = this.peek();
    if (extra) throw this.unsupported(`unexpected "${extra.text}"`, extra);
  }

  private unsupported(reason: string, at?: Token): UnsupportedStatementError {
    const where = at ? ` at offset ${at.start}` : '';
    return new UnsupportedStatementError(
      `Cannot parse statement${where}: ${reason}. Statement: ${this.sql.trim().slice(0, 200)}`,
    );
  }
}

function identifierValue(token: Token): string {
  return token.kind === 'quoted' ? token.text.slice(1, -1).replace(/""/g, '"') : token.text;
}

/** Splits at top-level commas (not inside parentheses, strings or comments). */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (const token of tokenize(text)) {
    if (token.text === '(') depth++;
    else if (token.text === ')') depth--;
    else if (token.text === ',' && depth === 0 && token.kind === 'symbol') {
      parts.push(text.slice(start, token.start).trim());
      start = token.end;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((p) => p !== '');
}
