/**
 * The rows the lake benchmarks write: ten columns of mixed types (integers, bigints,
 * doubles, low- and high-cardinality strings, dates, timestamps, booleans, decimals,
 * a nullable integer), deterministic from the row id so every run writes the same data.
 */

/** A SELECT of `count` rows with ids `first`, `first + 1`, ... */
export function mixedRowsSql(count: number, first = 0): string {
  return `SELECT
      i::INTEGER AS id,
      (i * 2654435761)::BIGINT AS account,
      (i % 10007) / 7.0::DOUBLE AS amount,
      'category_' || (i % 97)::VARCHAR AS category,
      md5(i::VARCHAR) AS note,
      DATE '2020-01-01' + (i % 1500)::INTEGER AS day,
      TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_microseconds(i * 1000003) AS created_at,
      i % 3 = 0 AS flagged,
      ((i % 100000) / 100.0)::DECIMAL(18,2) AS price,
      CASE WHEN i % 10 = 0 THEN NULL ELSE (i % 50000)::INTEGER END AS quantity
    FROM range(${first}, ${first + count}) AS t(i)`;
}
