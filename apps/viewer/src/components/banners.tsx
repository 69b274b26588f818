import type { FileSession } from '../state/session.js';

/** Truncation, malformed-item, sampling and error banners above a file's panels. */
export function Banners({ session }: { session: FileSession }) {
  const truncated = session.problems.filter((p) => p.code === 'TRUNCATED');
  const malformed = session.problems.filter((p) => p.code.startsWith('MALFORMED'));
  const checksum = session.problems.filter((p) => p.code === 'CHECKSUM_MISMATCH');
  const others = session.problems.filter(
    (p) => !truncated.includes(p) && !malformed.includes(p) && !checksum.includes(p),
  );
  const sampling = session.traceHeader?.segments.some(
    (s) => s.header && typeof s.header === 'object' && !Array.isArray(s.header) && 'sampling' in s.header,
  );
  return (
    <div class="banners">
      {truncated.map((p) => (
        <div class="banner warn" data-testid="banner-truncated" role="status" key={`t${p.offset}`}>
          <strong>Truncated file.</strong> {p.message}
          {p.offset !== undefined ? ` (at byte ${p.offset.toLocaleString('en-US')})` : ''}. Everything before the cut is
          shown.
        </div>
      ))}
      {malformed.length > 0 ? (
        <div class="banner warn" data-testid="banner-malformed" role="status">
          <strong>
            {malformed.length} malformed item{malformed.length === 1 ? '' : 's'}
          </strong>{' '}
          skipped; the rest of the file was read.
          <details>
            <summary>Details</summary>
            <ul>
              {malformed.slice(0, 200).map((p, i) => (
                <li key={i}>
                  <code>{p.code}</code> {p.offset !== undefined ? `@${p.offset}` : ''} {p.message}
                </li>
              ))}
            </ul>
          </details>
        </div>
      ) : null}
      {checksum.length > 0 ? (
        <div class="banner error" data-testid="banner-checksum" role="status">
          <strong>
            {checksum.length} checksum mismatch{checksum.length === 1 ? '' : 'es'}
          </strong>
          : the highlighted messages' payloads do not match their stored CRC-16.
        </div>
      ) : null}
      {sampling ? (
        <div class="banner info" data-testid="banner-sampling" role="status">
          <strong>Partial view:</strong> the recorder dropped events at the source (see sampling in Details).
        </div>
      ) : null}
      {others.length > 0 ? (
        <div class="banner info" data-testid="banner-problems" role="status">
          <details>
            <summary>
              {others.length} warning{others.length === 1 ? '' : 's'}
            </summary>
            <ul>
              {others.slice(0, 200).map((p, i) => (
                <li key={i}>
                  <code>{p.code}</code> {p.offset !== undefined ? `@${p.offset}` : ''} {p.message}
                </li>
              ))}
            </ul>
          </details>
        </div>
      ) : null}
    </div>
  );
}
