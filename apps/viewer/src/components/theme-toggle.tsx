import { useEffect, useState } from 'preact/hooks';

type Theme = 'auto' | 'light' | 'dark';

function storedTheme(): Theme {
  try {
    const value = localStorage.getItem('xtrace-viewer-theme');
    return value === 'light' || value === 'dark' ? value : 'auto';
  } catch {
    return 'auto';
  }
}

/** Light and dark themes: follows prefers-color-scheme until the user picks one. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(storedTheme);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'auto') delete root.dataset.theme;
    else root.dataset.theme = theme;
    try {
      if (theme === 'auto') localStorage.removeItem('xtrace-viewer-theme');
      else localStorage.setItem('xtrace-viewer-theme', theme);
    } catch {
      // storage unavailable: the choice lasts for this page only
    }
  }, [theme]);
  const next: Theme = theme === 'auto' ? 'dark' : theme === 'dark' ? 'light' : 'auto';
  return (
    <button
      type="button"
      class="button theme-toggle"
      data-testid="theme-toggle"
      onClick={() => setTheme(next)}
      title={`Theme: ${theme} (click for ${next})`}
    >
      {theme === 'auto' ? '◐ auto' : theme === 'dark' ? '● dark' : '○ light'}
    </button>
  );
}
