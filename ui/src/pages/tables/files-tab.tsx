/** A table's data files at a version: sizes (charted), rows, partition values, deletion vectors; paged. */
import { useMemo } from 'react';
import { Chart, type ChartOption } from '../../components/chart';
import { QueryView } from '../../components/query-view';
import { useSearchParam } from '../../router/router';
import { formatBytes, formatValue } from './table-format';
import { useFiles, type TableFiles } from './table-queries';

const PAGE = 100;

export function FilesTab({ name, version }: { readonly name: string; readonly version: number | null }) {
  const [offsetText, setOffset] = useSearchParam('offset');
  const offset = Math.max(0, Number(offsetText ?? 0) || 0);
  const files = useFiles(name, version, offset, PAGE);
  return (
    <QueryView query={files} label="Loading files" isEmpty={(d) => d.totalFiles === 0} emptyTitle="No data files">
      {(data) => (
        <div className="tables-stack">
          <p>
            <strong>{data.totalFiles}</strong> {data.totalFiles === 1 ? 'file' : 'files'},{' '}
            <strong>{formatBytes(data.totalBytes)}</strong> at version {data.version}
          </p>
          <section className="panel">
            <SizeChart data={data} />
          </section>
          <FilesList data={data} />
          <div className="tables-pager">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE) || null)}>
              Previous files
            </button>
            <span className="muted">
              {offset + 1}–{offset + data.files.length} of {data.totalFiles}
            </span>
            <button
              type="button"
              disabled={offset + data.files.length >= data.totalFiles}
              onClick={() => setOffset(offset + PAGE)}
            >
              Next files
            </button>
          </div>
        </div>
      )}
    </QueryView>
  );
}

function FilesList({ data }: { readonly data: TableFiles }) {
  return (
    <div className="tables-scroll">
      <table className="data" aria-label="Files">
        <thead>
          <tr>
            <th>Path</th>
            <th>Size</th>
            <th>Rows</th>
            <th>Partition</th>
            <th>Column ranges</th>
            <th>Deletion vector</th>
          </tr>
        </thead>
        <tbody>
          {data.files.map((file) => (
            <tr key={file.path}>
              <td className="mono">{file.path}</td>
              <td className="tables-nowrap">{formatBytes(file.size)}</td>
              <td>{file.rows ?? '—'}</td>
              <td className="mono">
                {Object.entries(file.partitionValues)
                  .map(([key, value]) => `${key}=${formatValue(value)}`)
                  .join(', ')}
              </td>
              <td className="mono">{columnRanges(file.stats)}</td>
              <td>{file.deletionVector ? `${file.deletionVector.deletedRows ?? 0} rows deleted` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `id 1…100; day 2024-01-01…2024-01-10`: each column's min and max from the file's stats. */
function columnRanges(stats: TableFiles['files'][number]['stats']): string {
  if (!stats) return 'no stats';
  const min = stats.minValues ?? {};
  const max = stats.maxValues ?? {};
  return Object.keys(min)
    .filter((column) => typeof min[column] !== 'object')
    .map((column) => `${column} ${formatValue(min[column])}…${formatValue(max[column])}`)
    .join('; ');
}

function sizeChart(data: TableFiles): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 60, right: 16, top: 16, bottom: 24 },
    xAxis: { type: 'category', data: data.files.map((_, i) => data.offset + i + 1), name: 'file' },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatBytes(v) } },
    series: [{ type: 'bar', name: 'bytes', barMaxWidth: 48, data: data.files.map((f) => f.size) }],
  };
}

function SizeChart({ data }: { readonly data: TableFiles }) {
  const option = useMemo(() => sizeChart(data), [data]);
  return <Chart label="File sizes" option={option} height={200} />;
}
