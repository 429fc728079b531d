import { describe, expect, it } from 'vitest';
import { chooseEncoding } from './body-encodings.js';

const JSON_TYPE = 'application/json; charset=utf-8';

describe('chooseEncoding', () => {
  it('picks the best coding the client accepts, br first on ties', () => {
    expect(chooseEncoding('gzip, deflate, br', JSON_TYPE, 5000)).toBe('br');
    expect(chooseEncoding('gzip;q=1, br;q=0.5', JSON_TYPE, 5000)).toBe('gzip');
    expect(chooseEncoding('x-gzip', JSON_TYPE, 5000)).toBe('gzip');
    expect(chooseEncoding('*', JSON_TYPE, 5000)).toBe('br');
    expect(chooseEncoding('*;q=0.2, br;q=0', JSON_TYPE, 5000)).toBe('gzip');
  });

  it('leaves the body alone when nothing we make is acceptable, it is small, or not compressible', () => {
    expect(chooseEncoding(undefined, JSON_TYPE, 5000)).toBeUndefined();
    expect(chooseEncoding('identity', JSON_TYPE, 5000)).toBeUndefined();
    expect(chooseEncoding('br;q=0, gzip;q=0, deflate;q=0', JSON_TYPE, 5000)).toBeUndefined();
    expect(chooseEncoding('br', JSON_TYPE, 100)).toBeUndefined();
    expect(chooseEncoding('br', 'application/vnd.apache.parquet', 5000)).toBeUndefined();
    expect(chooseEncoding('br', 'text/csv; charset=utf-8', 5000)).toBe('br');
    expect(chooseEncoding('br', 'application/x-ndjson; charset=utf-8', 5000)).toBe('br');
  });
});
