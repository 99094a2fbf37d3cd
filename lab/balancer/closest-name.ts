/** The "did you mean …?" of a misspelt name. */

/**
 * The known name `word` most likely meant: one that starts with it or it starts with
 * (least_connections → least_conn), else the nearest by edits when a few edits reach it
 * (helth_check → health_check). Undefined when nothing is close.
 */
export function closestName(word: string, known: readonly string[]): string | undefined {
  const prefixed = known.find((name) => word.length >= 4 && (name.startsWith(word) || word.startsWith(name)));
  if (prefixed) return prefixed;
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(word, name);
    if (distance <= Math.max(2, Math.floor(name.length / 4)) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
