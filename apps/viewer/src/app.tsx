import type { FunctionComponent } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { FileView } from './components/file-view.js';
import { StartPage } from './components/start-page.js';
import { ThemeToggle } from './components/theme-toggle.js';
import { FileSession } from './state/session.js';
import { fileParams, patchHash, readHash } from './state/url.js';

export function App() {
  const [tabs, setTabs] = useState<FileSession[]>([]);
  const [active, setActive] = useState(0);
  const [dragging, setDragging] = useState(false);
  // The SQL tab (and duckdb-wasm) is loaded the first time it is opened.
  const [sqlOpen, setSqlOpen] = useState(false);
  const [SqlView, setSqlView] = useState<FunctionComponent<{ sessions: FileSession[] }> | null>(null);
  const openSql = () => {
    setSqlOpen(true);
    if (!SqlView) void import('./sql/sql-view.js').then((m) => setSqlView(() => m.SqlView));
  };

  const openFiles = useCallback((files: { name: string; source: Blob | string }[]) => {
    if (files.length === 0) return;
    setTabs((current) => {
      const next = [...current, ...files.map((f) => new FileSession(f.name, f.source))];
      setActive(current.length);
      return next;
    });
  }, []);

  // Files passed by `xtrace view` as `?file=/files/NAME` (same origin only).
  useEffect(() => {
    const urls = fileParams();
    if (urls.length > 0) {
      openFiles(urls.map((url) => ({ name: decodeURIComponent(url.split('/').pop() || url), source: url })));
      const tab = Number(readHash().tab ?? 0);
      if (Number.isInteger(tab) && tab >= 0 && tab < urls.length) setActive(tab);
    }
  }, [openFiles]);

  useEffect(() => {
    if (tabs.length > 0) patchHash({ tab: active || undefined });
  }, [active, tabs.length]);

  // Drag and drop anywhere on the page.
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      e.preventDefault();
      setDragging(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      openFiles(files.map((f) => ({ name: f.name, source: f })));
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [openFiles]);

  const close = (index: number) => {
    const tab = tabs[index];
    tab?.close();
    const next = tabs.filter((_, i) => i !== index);
    setTabs(next);
    setActive(Math.max(0, Math.min(active >= index ? active - 1 : active, next.length - 1)));
  };

  const onPick = (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    openFiles(files.map((f) => ({ name: f.name, source: f })));
    input.value = '';
  };

  const current = tabs[active];
  return (
    <div class={`app${dragging ? ' dragging' : ''}`}>
      <header class="topbar">
        <span class="brand">xtrace viewer</span>
        <div class="tabs" role="tablist" aria-label="Open files">
          {tabs.map((tab, i) => (
            <span key={tab.id} class={`tab${i === active && !sqlOpen ? ' active' : ''}`}>
              <button
                type="button"
                role="tab"
                aria-selected={i === active && !sqlOpen}
                data-testid="tab"
                class="tab-name"
                onClick={() => {
                  setActive(i);
                  setSqlOpen(false);
                }}
                title={tab.name}
              >
                {tab.name}
              </button>
              <button type="button" class="tab-close" aria-label={`Close ${tab.name}`} onClick={() => close(i)}>
                ×
              </button>
            </span>
          ))}
          {tabs.length > 0 ? (
            <span class={`tab${sqlOpen ? ' active' : ''}`}>
              <button
                type="button"
                role="tab"
                aria-selected={sqlOpen}
                data-testid="sql-tab"
                class="tab-name"
                onClick={openSql}
                title="SQL over the open recordings (DuckDB)"
              >
                SQL
              </button>
            </span>
          ) : null}
          {tabs.length > 0 ? (
            <button
              type="button"
              class="tab-home"
              onClick={() => {
                setActive(-1);
                setSqlOpen(false);
              }}
              title="Start page"
            >
              +
            </button>
          ) : null}
        </div>
        <label class="button">
          Open files…
          <input type="file" multiple data-testid="file-input" class="visually-hidden" onChange={onPick} />
        </label>
        <ThemeToggle />
      </header>
      <main class="content">
        {sqlOpen ? (
          SqlView ? (
            <SqlView sessions={tabs} />
          ) : (
            <p class="muted">Loading the SQL tab…</p>
          )
        ) : current ? (
          <FileView key={current.id} session={current} />
        ) : (
          <StartPage onOpen={openFiles} />
        )}
      </main>
      {dragging ? <div class="dropzone-overlay">Drop .moqtrace or .ss files to open them</div> : null}
    </div>
  );
}
