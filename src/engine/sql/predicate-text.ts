/** Predicates as SQL-like text (what EXPLAIN shows as a scan's filter). */
import { display } from '../skipping/skip-values.js';
import type { Predicate } from '../skipping/stats-evaluator.js';

/** The predicate as SQL-like text for EXPLAIN. */
export function predicateText(predicate: Predicate): string {
  const text = (p: Predicate, parent?: string): string => {
    switch (p.kind) {
      case 'and':
      case 'or': {
        const joined = p.children.map((c) => text(c, p.kind)).join(p.kind === 'and' ? ' AND ' : ' OR ');
        return parent && parent !== p.kind ? `(${joined})` : joined;
      }
      case 'not':
        return `NOT (${text(p.child)})`;
      case 'constant':
        return p.value === null ? 'NULL' : String(p.value).toUpperCase();
      case 'unknown':
        return '?';
      case 'null':
        return `${p.column.name} IS ${p.negated ? 'NOT ' : ''}NULL`;
      case 'prefix':
        return `${p.column.name} LIKE ${display({ kind: 'str', value: `${p.prefix}%` })}`;
      case 'ne':
        return `${p.column.name} <> ${display(p.value)}`;
      case 'in': {
        const shown = p.values.slice(0, 5).map(display).join(', ');
        return `${p.column.name} IN (${shown}${p.values.length > 5 ? `, … ${p.values.length} values` : ''}${p.hasNull ? ', NULL' : ''})`;
      }
      case 'range': {
        const { lower, upper } = p;
        if (lower && upper && lower.inclusive && upper.inclusive && display(lower.value) === display(upper.value))
          return `${p.column.name} = ${display(lower.value)}`;
        const parts = [
          ...(lower ? [`${p.column.name} ${lower.inclusive ? '>=' : '>'} ${display(lower.value)}`] : []),
          ...(upper ? [`${p.column.name} ${upper.inclusive ? '<=' : '<'} ${display(upper.value)}`] : []),
        ];
        const joined = parts.join(' AND ');
        return parent === 'or' && parts.length > 1 ? `(${joined})` : joined;
      }
    }
  };
  return text(predicate);
}
