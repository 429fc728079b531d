/**
 * One table: its header and tabs (Schema, Files, History, Diff, Skipping). The tab is
 * the `tab` search param; a principal whose grant limits the table gets no Files and
 * Skipping tabs (the server refuses them file facts).
 */
import type { KeyboardEvent } from 'react';
import { QueryView } from '../../components/query-view';
import { useSearchParam } from '../../router/router';
import { DiffTab } from './diff-tab';
import { FilesTab } from './files-tab';
import { HistoryTab } from './history-tab';
import { SchemaTab } from './schema-tab';
import { SkippingTab } from './skipping-tab';
import { useTableDetail, type TableDetail } from './table-queries';

const TABS = [
  { id: 'schema', label: 'Schema', fileFacts: false },
  { id: 'files', label: 'Files', fileFacts: true },
  { id: 'history', label: 'History', fileFacts: false },
  { id: 'diff', label: 'Diff', fileFacts: false },
  { id: 'skipping', label: 'Skipping', fileFacts: true },
] as const;

type TabId = (typeof TABS)[number]['id'];

export function TableView({ name }: { readonly name: string }) {
  const detail = useTableDetail(name);
  return (
    <QueryView query={detail} label={`Loading ${name}`}>
      {(table) => <TableTabs table={table} />}
    </QueryView>
  );
}

function TableTabs({ table }: { readonly table: TableDetail }) {
  const [tabParam, setTab] = useSearchParam('tab');
  const whole = !table.restricted.columns && !table.restricted.rows;
  const tabs = TABS.filter((t) => whole || !t.fileFacts);
  const tab: TabId = tabs.find((t) => t.id === tabParam)?.id ?? 'schema';
  const [versionText] = useSearchParam('version');
  const version = versionText === null || !/^\d+$/.test(versionText) ? null : Number(versionText);
  const keyDown = (event: KeyboardEvent) => {
    const at = tabs.findIndex((t) => t.id === tab);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step !== 0) setTab(tabs[(at + step + tabs.length) % tabs.length]!.id);
  };
  return (
    <div className="tables-stack">
      <header className="tables-header">
        <h2>{table.name}</h2>
        <span className="tables-badge">{table.kind}</span>
        <span className="muted">version {table.version}</span>
        {(table.restricted.rows || table.restricted.columns) && (
          <span className="tables-badge" title="Your grant limits the rows or columns you see">
            restricted
          </span>
        )}
      </header>
      {table.description && <p>{table.description}</p>}
      <div role="tablist" aria-label="Table views" className="tables-tabs" onKeyDown={keyDown}>
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={t.id === tab}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === tab ? 0 : -1}
            onClick={() => setTab(t.id === 'schema' ? null : t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'schema' && <SchemaTab table={table} />}
        {tab === 'files' && <FilesTab name={table.name} version={version} />}
        {tab === 'history' && (
          <HistoryTab name={table.name} latest={table.version} orderBy={table.columns[0]?.name ?? null} />
        )}
        {tab === 'diff' && <DiffTab name={table.name} latest={table.version} />}
        {tab === 'skipping' && <SkippingTab name={table.name} version={version} />}
      </div>
    </div>
  );
}
