/**
 * The SQL editor: CodeMirror 6 with SQL highlighting and completion of the tables and
 * columns the token may read (from `/v1/sql/catalog`; the default schema `main` may be
 * left out). Ctrl/Cmd+Enter runs. The text is the caller's: a new `value` (a deep
 * link, a history item) replaces the document; typing reports through onChange.
 */
import { PostgreSQL, sql, type SQLNamespace } from '@codemirror/lang-sql';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import { editorTheme } from './editor-theme';
import type { SqlCatalog } from './sql-api';

export interface SqlEditorProps {
  readonly value: string;
  readonly onChange: (text: string) => void;
  readonly onRun: () => void;
  readonly catalog: SqlCatalog | undefined;
}

/** `{ main: { sales: [id, ...] } }`, each column with its type as detail. */
export function completionSchema(catalog: SqlCatalog): SQLNamespace {
  const schemas: Record<string, Record<string, { label: string; detail: string; type: string }[]>> = {};
  for (const table of catalog.tables) {
    schemas[table.schema] ??= {};
    schemas[table.schema]![table.table] = table.columns.map((c) => ({
      label: c.name,
      detail: c.type,
      type: 'property',
    }));
  }
  return schemas;
}

export function SqlEditor({ value, onChange, onRun, catalog }: SqlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const language = useRef(new Compartment());
  // The latest callbacks, for the editor's extensions made once.
  const callbacks = useRef({ onChange, onRun });
  callbacks.current = { onChange, onRun };

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          Prec.highest(
            keymap.of([
              {
                key: 'Mod-Enter',
                run: () => {
                  callbacks.current.onRun();
                  return true;
                },
              },
            ]),
          ),
          basicSetup,
          editorTheme,
          language.current.of(sql({ dialect: PostgreSQL, upperCaseKeywords: true })),
          placeholder('SELECT * FROM main.sales LIMIT 100   — Ctrl+Enter runs'),
          EditorView.contentAttributes.of({ 'aria-label': 'SQL editor' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // Made once; value and catalog changes are applied below.
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (!editor || editor.state.doc.toString() === value) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    if (!view.current || !catalog) return;
    view.current.dispatch({
      effects: language.current.reconfigure(
        sql({ dialect: PostgreSQL, upperCaseKeywords: true, schema: completionSchema(catalog), defaultSchema: 'main' }),
      ),
    });
  }, [catalog]);

  return <div ref={host} className="sql-editor" />;
}
