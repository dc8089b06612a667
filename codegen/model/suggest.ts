/**
 * Returns the candidate closest to `word`, when it is close enough to be what was meant: a few
 * edits away, or sharing a long start with it (`maxRetry` → `maxRetries`).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  const a = word.toLowerCase();
  for (const candidate of candidates) {
    const b = candidate.toLowerCase();
    const distance = editDistance(a, b);
    const close = distance <= (a.length <= 3 ? 1 : Math.max(2, Math.floor(a.length / 3)));
    const sameStart = commonPrefix(a, b) >= 5 && distance <= Math.floor(Math.max(a.length, b.length) / 2);
    if ((close || sameStart) && distance < bestScore) {
      best = candidate;
      bestScore = distance;
    }
  }
  return best;
}

/** "; did you mean "X"?" for an unknown word, or an empty string when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = closest(word, candidates);
  return match === undefined ? "" : `; did you mean "${match}"?`;
}

function commonPrefix(a: string, b: string): number {
  let length = 0;
  while (length < a.length && a[length] === b[length]) length++;
  return length;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
