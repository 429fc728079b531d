import { describe, expect, it } from 'vitest';
import { significant, stringValue, tokenize } from './sql-tokenizer.js';

const kinds = (sql: string) => significant(tokenize(sql)).map((t) => [t.kind, t.text]);

describe('tokenize', () => {
  it('covers every character, so tokens join back to the input', () => {
    const sql =
      "SELECT \"a\"\"b\", 'it''s', E'x\\'y', $$raw ' \"$$, $t$ $$ $t$ -- note\n/* a /* nested */ comment */ 1.5e3 => x::int";
    expect(
      tokenize(sql)
        .map((t) => t.text)
        .join(''),
    ).toBe(sql);
  });

  it('keeps literals, quoted identifiers and comments whole', () => {
    expect(kinds('select \'a;b\' AS "c;d" -- e;f\n; /* g;h */')).toEqual([
      ['word', 'select'],
      ['string', "'a;b'"],
      ['word', 'AS'],
      ['quoted', '"c;d"'],
      ['symbol', ';'],
    ]);
  });

  it('reads doubled quotes, E-strings and dollar quotes', () => {
    expect(significant(tokenize("'it''s' E'a\\'b\\n' $$x'y$$ $q$a$$b$q$")).map(stringValue)).toEqual([
      "it's",
      "a'b\n",
      "x'y",
      'a$$b',
    ]);
  });

  it('recognises named-parameter arrows and numbers', () => {
    expect(kinds('f(version => 3, x := .5, y=1_000)')).toEqual([
      ['word', 'f'],
      ['symbol', '('],
      ['word', 'version'],
      ['symbol', '=>'],
      ['number', '3'],
      ['symbol', ','],
      ['word', 'x'],
      ['symbol', ':='],
      ['number', '.5'],
      ['symbol', ','],
      ['word', 'y'],
      ['symbol', '='],
      ['number', '1_000'],
      ['symbol', ')'],
    ]);
  });

  it('runs unterminated literals and comments to the end instead of failing', () => {
    expect(kinds("select 'abc")).toEqual([
      ['word', 'select'],
      ['string', "'abc"],
    ]);
    expect(kinds('select /* abc')).toEqual([['word', 'select']]);
    expect(kinds('select $1, $name')).toEqual([
      ['word', 'select'],
      ['symbol', '$'],
      ['number', '1'],
      ['symbol', ','],
      ['symbol', '$'],
      ['word', 'name'],
    ]);
  });
});
