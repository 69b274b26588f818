// Shrinks an input that triggers a finding while it keeps triggering the same one (same kind, same place):
// lines first for text, then byte ranges of halving sizes (delta debugging), within a budget of attempts and time.

/**
 * Minimizes `bytes` under `stillFails(bytes) → Promise<boolean>`. Returns the smallest input found and the
 * number of attempts.
 */
export async function minimize(bytes, stillFails, { text = false, maxAttempts = 3000, maxMs = 60_000 } = {}) {
  const started = Date.now();
  let attempts = 0;
  let best = bytes;
  const budgetLeft = () => attempts < maxAttempts && Date.now() - started < maxMs;
  const attempt = async (candidate) => {
    attempts++;
    if (await stillFails(candidate)) {
      best = candidate;
      return true;
    }
    return false;
  };

  if (text) {
    // Whole lines.
    const encoder = new TextEncoder();
    let lines = new TextDecoder().decode(best).split('\n');
    for (let size = Math.max(1, lines.length >> 1); size >= 1 && budgetLeft(); size >>= 1) {
      for (let i = 0; i < lines.length && budgetLeft(); ) {
        const candidate = [...lines.slice(0, i), ...lines.slice(i + size)];
        if (candidate.length < lines.length && (await attempt(encoder.encode(candidate.join('\n'))))) lines = candidate;
        else i += size;
      }
    }
  }
  // Byte ranges.
  for (let size = Math.max(1, best.length >> 1); size >= 1 && budgetLeft(); size >>= 1) {
    for (let i = 0; i < best.length && budgetLeft(); ) {
      const candidate = new Uint8Array(best.length - Math.min(size, best.length - i));
      candidate.set(best.subarray(0, i), 0);
      candidate.set(best.subarray(i + size), i);
      if (!(await attempt(candidate))) i += size;
    }
  }
  return { bytes: best, attempts };
}
