import type { FunctionComponent } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { FileView } from './components/file-view.js';
import { StartPage } from './components/start-page.js';
import { ThemeToggle } from './components/theme-toggle.js';
import { FileSession } from './state/session.js';
import { composeUrl, fileParams, type HashParams, navigate, readHash, sameParams } from './state/url.js';

/** A file to open: a same-origin URL (kept in the page URL) or a local file. */
export interface FileToOpen {
  name: string;
  source: Blob | string;
}

const nameOfUrl = (url: string) => decodeURIComponent(url.split('?')[0]?.split('/').pop() || url);

/** The active tab from the hash: `tab=N`, `tab=new` (start page), default 0. */
function tabOf(hash: HashParams, count: number): number {
  if (hash.tab === 'new') return -1;
  const n = Number(hash.tab ?? 0);
  return Number.isInteger(n) && n >= 0 && n < count ? n : 0;
}

function withoutTab(hash: HashParams): HashParams {
  const { tab: _tab, ...state } = hash;
  return state;
}

/** The page URL of a set of tabs: their `?file=` URLs, the active tab and its view state. */
function urlOf(tabs: FileSession[], active: number): string {
  const files = tabs.flatMap((t) => (t.url === null ? [] : [t.url]));
  const tab: HashParams =
    active < 0 ? (tabs.length > 0 ? { tab: 'new' } : {}) : active > 0 ? { tab: String(active) } : {};
  return composeUrl(files, { ...tab, ...(tabs[active]?.viewState ?? {}) });
}

/** The sessions for the page URL's `?file=` list and hash (used at start). */
function sessionsFromUrl(): { tabs: FileSession[]; active: number } {
  const urls = fileParams();
  const hash = readHash();
  const active = tabOf(hash, urls.length);
  const tabs = urls.map((url, i) => new FileSession(nameOfUrl(url), url, i === active ? withoutTab(hash) : {}));
  return { tabs, active };
}

export function App() {
  const [initial] = useState(sessionsFromUrl);
  const [tabs, setTabs] = useState<FileSession[]>(initial.tabs);
  const [active, setActive] = useState(initial.active);
  const [dragging, setDragging] = useState(false);
  // The SQL tab (and duckdb-wasm) is loaded the first time it is opened.
  const [sqlOpen, setSqlOpen] = useState(false);
  const [SqlView, setSqlView] = useState<FunctionComponent<{ sessions: FileSession[] }> | null>(null);
  const openSql = () => {
    setSqlOpen(true);
    if (!SqlView) void import('./sql/sql-view.js').then((m) => setSqlView(() => m.SqlView));
  };
  const state = useRef({ tabs, active });
  state.current = { tabs, active };

  /** Shows the tabs and the active tab in the URL: a history entry for opening, closing and switching tabs. */
  const show = useCallback((nextTabs: FileSession[], nextActive: number) => {
    state.current = { tabs: nextTabs, active: nextActive };
    setTabs(nextTabs);
    setActive(nextActive);
    navigate(urlOf(nextTabs, nextActive), 'push');
  }, []);

  const openFiles = useCallback(
    (files: FileToOpen[]) => {
      if (files.length === 0) return;
      const current = state.current.tabs;
      show([...current, ...files.map((f) => new FileSession(f.name, f.source))], current.length);
    },
    [show],
  );

  /** A view changed its state: the URL follows when its tab is the active one. */
  const onViewState = useCallback((session: FileSession, viewState: HashParams, mode: 'push' | 'replace') => {
    session.viewState = viewState;
    const { tabs: current, active: index } = state.current;
    if (current[index] === session) navigate(urlOf(current, index), mode);
  }, []);

  // Back/forward and edits of the URL: the files, the active tab and its view state follow the URL.
  useEffect(() => {
    const apply = () => {
      const urls = fileParams();
      const hash = readHash();
      const remaining = [...urls];
      const kept = state.current.tabs.filter((t) => {
        if (t.url === null) return true;
        const k = remaining.indexOf(t.url);
        if (k < 0) {
          t.close();
          return false;
        }
        remaining.splice(k, 1);
        return true;
      });
      const next = [...kept, ...remaining.map((url) => new FileSession(nameOfUrl(url), url))];
      const index = tabOf(hash, next.length);
      const target = next[index];
      const viewState = withoutTab(hash);
      if (target && !sameParams(target.viewState, viewState)) target.replaceViewState(viewState);
      state.current = { tabs: next, active: index };
      setTabs(next);
      setActive(index);
    };
    window.addEventListener('popstate', apply);
    window.addEventListener('hashchange', apply);
    return () => {
      window.removeEventListener('popstate', apply);
      window.removeEventListener('hashchange', apply);
    };
  }, []);

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
    tabs[index]?.close();
    const next = tabs.filter((_, i) => i !== index);
    show(next, Math.max(0, Math.min(active >= index ? active - 1 : active, next.length - 1)));
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
                  setSqlOpen(false);
                  if (i !== active) show(tabs, i);
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
              data-testid="tab-new"
              onClick={() => {
                setSqlOpen(false);
                show(tabs, -1);
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
          <FileView key={current.id} session={current} onViewState={onViewState} />
        ) : (
          <StartPage onOpen={openFiles} />
        )}
      </main>
      {dragging ? <div class="dropzone-overlay">Drop .moqtrace, qlog or .ss files to open them</div> : null}
    </div>
  );
}
