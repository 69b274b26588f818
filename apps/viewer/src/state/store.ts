/** A minimal observable: components subscribe and re-render on `notify()`. */
export class Observable {
  private listeners = new Set<() => void>();
  version = 0;
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  notify(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}
