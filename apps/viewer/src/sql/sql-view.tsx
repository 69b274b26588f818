/**
 * The SQL tab: SQL over the open recordings with duckdb-wasm, loaded when the tab is first opened. Example queries
 * are one click away; results go into the virtualised table.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type TableColumn, VirtualTable } from '../components/virtual-table.js';
import type { FileSession } from '../state/session.js';
import { openSqlDatabase, type SqlDatabase } from './database.js';
import { SQL_EXAMPLES } from './examples.js';
import './sql.css';

interface Result {
  columns: string[];
  rows: string[][];
  ms: number;
}

export function SqlView({ sessions }: { sessions: FileSession[] }) {
  const [db, setDb] = useState<SqlDatabase | null>(null);
  const [status, setStatus] = useState('Loading DuckDB and the tables of the open recordings…');
  const [error, setError] = useState('');
  const [sql, setSql] = useState(SQL_EXAMPLES[0]?.sql ?? '');
  const [result, setResult] = useState<Result | null>(null);
  const [running, setRunning] = useState(false);
  // Reloads when the set of open files changes (`key`); `sessions` is read through a ref.
  const key = sessions.map((s) => s.id).join(',');
  const sessionsRef = useRef(sessions);
  sessionsRef.current = sessions;
  const current = useRef<SqlDatabase | null>(null);

  useEffect(() => {
    let cancelled = false;
    setDb(null);
    setResult(null);
    setError('');
    setStatus('Loading DuckDB and the tables of the open recordings…');
    (async () => {
      const sources = [];
      for (const s of sessionsRef.current) {
        const blob = await s.blobReady;
        if (blob) sources.push({ name: s.name, blob });
      }
      const opened = await openSqlDatabase(sources);
      if (cancelled) {
        await opened.close();
        return;
      }
      current.current = opened;
      setDb(opened);
      setStatus(`${sources.length} recording${sources.length === 1 ? '' : 's'} loaded`);
    })().catch((e: unknown) => {
      if (!cancelled) setError(e instanceof Error ? e.message : String(e));
    });
    return () => {
      cancelled = true;
      const open = current.current;
      current.current = null;
      void open?.close();
    };
  }, [key]);

  const run = async (text: string) => {
    if (!db) return;
    setRunning(true);
    setError('');
    const started = performance.now();
    try {
      const r = await db.query(text);
      setResult({ ...r, ms: performance.now() - started });
    } catch (e) {
      setResult(null);
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setRunning(false);
    }
  };

  const columns = useMemo<TableColumn[]>(
    () =>
      (result?.columns ?? []).map((name, c) => ({
        key: `${c}`,
        label: name,
        className: 'sql-cell',
        render: (row: number) => result?.rows[row]?.[c] ?? '',
        title: name,
      })),
    [result],
  );

  return (
    <div class="sqlview" data-testid="sql-view">
      <div class="sql-examples">
        {SQL_EXAMPLES.map((example) => (
          <button
            type="button"
            key={example.id}
            class="sql-example"
            data-testid={`sql-example-${example.id}`}
            disabled={!db || running}
            title={example.sql}
            onClick={() => {
              setSql(example.sql);
              void run(example.sql);
            }}
          >
            {example.title}
          </button>
        ))}
      </div>
      <textarea
        class="sql-input"
        data-testid="sql-input"
        spellcheck={false}
        aria-label="SQL"
        value={sql}
        onInput={(e) => setSql((e.currentTarget as HTMLTextAreaElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void run(sql);
        }}
      />
      <div class="sql-bar">
        <button
          type="button"
          class="button"
          data-testid="sql-run"
          disabled={!db || running}
          onClick={() => void run(sql)}
        >
          Run (Ctrl+Enter)
        </button>
        <span class="muted" data-testid="sql-status" data-ready={String(db !== null)}>
          {status}
          {db ? ` · tables: ${[...db.rows].map(([t, n]) => `${t} (${n.toLocaleString('en-US')})`).join(', ')}` : ''}
        </span>
      </div>
      {error ? (
        <p class="sql-error" role="alert" data-testid="sql-error">
          {error}
        </p>
      ) : null}
      {result ? (
        <p class="muted" data-testid="sql-result-count">
          {result.rows.length.toLocaleString('en-US')} rows in {result.ms.toFixed(0)} ms
        </p>
      ) : null}
      {result ? (
        <div class="sql-results" style={{ '--sql-columns': String(Math.max(1, result.columns.length)) }}>
          <VirtualTable
            rowCount={result.rows.length}
            columns={columns}
            selected={-1}
            onSelect={() => undefined}
            version={result}
            className="sql-table"
            testId="sql-results"
            emptyText="No rows"
          />
        </div>
      ) : null}
    </div>
  );
}
