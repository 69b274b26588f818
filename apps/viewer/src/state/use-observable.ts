import { useEffect, useState } from 'preact/hooks';
import type { Observable } from './store.js';

/** Re-renders the component when `target` notifies; at most once per animation frame. */
export function useObservable(target: Observable | null | undefined): number {
  const [, setVersion] = useState(0);
  useEffect(() => {
    if (!target) return undefined;
    let frame = 0;
    const unsubscribe = target.subscribe(() => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setVersion(target.version);
      });
    });
    setVersion(target.version);
    return () => {
      unsubscribe();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [target]);
  return target?.version ?? 0;
}
