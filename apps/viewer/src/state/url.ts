/** Selection and filters live in the URL hash (`#view=events&type=0,3&sel=42`), so a view can be shared. */

export type HashParams = Record<string, string>;

export function readHash(): HashParams {
  const out: HashParams = {};
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  for (const [key, value] of params) out[key] = value;
  return out;
}

/** Merges `patch` into the hash (empty string or undefined removes a key) without adding history entries. */
export function patchHash(patch: Record<string, string | number | undefined | null>): void {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || value === null || value === '') params.delete(key);
    else params.set(key, String(value));
  }
  const text = params.toString();
  const url = `${location.pathname}${location.search}${text ? `#${text}` : ''}`;
  history.replaceState(history.state, '', url);
}

/** The `?file=` query parameters (one per file served by `xtrace view`). */
export function fileParams(): string[] {
  return new URLSearchParams(location.search).getAll('file').filter((f) => f.length > 0);
}
