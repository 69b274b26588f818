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
            <span key={tab.id} class={`tab${i === active ? ' active' : ''}`}>
              <button
                type="button"
                role="tab"
                aria-selected={i === active}
                data-testid="tab"
                class="tab-name"
                onClick={() => setActive(i)}
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
            <button type="button" class="tab-home" onClick={() => setActive(-1)} title="Start page">
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
        {current ? <FileView key={current.id} session={current} /> : <StartPage onOpen={openFiles} />}
      </main>
      {dragging ? <div class="dropzone-overlay">Drop .moqtrace or .ss files to open them</div> : null}
    </div>
  );
}
