import { describe, expect, it } from 'vitest';
import { formatBytes, formatValue, reasonText, tableNameOf } from './table-format';

describe('table-format', () => {
  it('formats sizes and values', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20 MiB');
    expect(formatValue(null)).toBe('NULL');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });

  it('says why a file was skipped', () => {
    expect(
      reasonText({
        kind: 'ruled-out',
        by: 'stats',
        evidence: [{ kind: 'stats', column: 'id', min: 10, max: 19, nullCount: 0 }],
      }),
    ).toBe('ruled out by column stats: id in [10, 19]');
    expect(
      reasonText({ kind: 'ruled-out', by: 'partition', evidence: [{ kind: 'partition', column: 'kind', value: 'a' }] }),
    ).toBe('ruled out by partition value: partition kind = a');
    expect(reasonText({ kind: 'no-stats' })).toContain('must be read');
  });

  it('reads a table name from the path', () => {
    expect(tableNameOf(['main', 'sales'])).toBe('main.sales');
    expect(tableNameOf(['main.sales'])).toBe('main.sales');
    expect(tableNameOf([])).toBeNull();
  });
});
