// "Did you mean …?" for a mistyped command, action or option: the closest known word by edit
// distance, offered only when it is close enough to be a typo rather than a different word.

/** Levenshtein distance (insert, delete, substitute; an adjacent swap counts as one). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known word closest to `word` (a prefix counts as close), or undefined when none is close. */
export function closest(word: string, known: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const prefixed = known.filter((k) => w.length >= 3 && k.startsWith(w));
  if (prefixed.length === 1) return prefixed[0];
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(w, k.toLowerCase());
    if (!best || d < best.d) best = { k, d };
  }
  const allowed = Math.max(1, Math.floor(w.length / 3));
  return best && best.d <= allowed ? best.k : undefined;
}

/** " (did you mean X?)" or "". */
export function didYouMean(word: string, known: readonly string[]): string {
  const k = closest(word, known);
  return k ? ` (did you mean ${k}?)` : "";
}
