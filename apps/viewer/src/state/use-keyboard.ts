import { useEffect, useRef } from 'preact/hooks';

export interface KeyboardNav {
  enabled: boolean;
  move(delta: number): void;
  search(): void;
}

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** j/k (and arrow keys) move the selection, `/` focuses the search box, Escape leaves it. */
export function useKeyboardNav(nav: KeyboardNav): void {
  const ref = useRef(nav);
  ref.current = nav;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const current = ref.current;
      if (!current.enabled || e.ctrlKey || e.metaKey || e.altKey) return;
      if (typing(e.target)) {
        if (e.key === 'Escape' && e.target instanceof HTMLElement) e.target.blur();
        return;
      }
      if (e.key === 'j' || e.key === 'ArrowDown') {
        e.preventDefault();
        current.move(1);
      } else if (e.key === 'k' || e.key === 'ArrowUp') {
        e.preventDefault();
        current.move(-1);
      } else if (e.key === 'PageDown') {
        e.preventDefault();
        current.move(20);
      } else if (e.key === 'PageUp') {
        e.preventDefault();
        current.move(-20);
      } else if (e.key === '/') {
        e.preventDefault();
        current.search();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
