/**
 * The page URL: `?file=URL` once per file opened from a same-origin URL (what `xtrace view` passes, and the
 * demos), and the hash with the active tab (`tab=N`, `tab=new` for the start page) followed by that tab's own
 * view state (`view=tracks&type=0,3&sel=42`). Each tab keeps its state; the URL shows the active tab's.
 */

/** Hash parameters, in order. */
export type HashParams = Record<string, string>;

/** The hash parameters of a URL hash (default: the page's). */
export function readHash(hash: string = location.hash): HashParams {
  const out: HashParams = {};
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  for (const [key, value] of params) out[key] = value;
  return out;
}

/** The `?file=` query parameters of a URL search (default: the page's). */
export function fileParams(search: string = location.search): string[] {
  return new URLSearchParams(search).getAll('file').filter((f) => f.length > 0);
}

/** Hash parameters without the empty values (a view writes `undefined`/`''` for defaults). */
export function compactParams(params: Record<string, string | number | undefined | null>): HashParams {
  const out: HashParams = {};
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') out[key] = String(value);
  }
  return out;
}

/** True when two parameter sets are equal (same keys and values, any order). */
export function sameParams(a: HashParams, b: HashParams): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** The page URL for these files and hash parameters (other query parameters are kept). */
export function composeUrl(files: string[], hash: HashParams): string {
  const search = new URLSearchParams(location.search);
  search.delete('file');
  for (const file of files) search.append('file', file);
  const query = search.toString();
  const fragment = new URLSearchParams(hash).toString();
  return `${location.pathname}${query ? `?${query}` : ''}${fragment ? `#${fragment}` : ''}`;
}

/** Shows `url` in the address bar: a new history entry (`push`) or the current one replaced; nothing if equal. */
export function navigate(url: string, mode: 'push' | 'replace'): void {
  const current = `${location.pathname}${location.search}${location.hash}`;
  if (url === current || (url === `${location.pathname}${location.search}` && location.hash === '#')) return;
  if (mode === 'push') history.pushState(null, '', url);
  else history.replaceState(history.state, '', url);
}
