// The option list of a page's select: stored value → CUCM's words, in CUCM's order. The words
// themselves come from the vocabulary modules in host/shared/.

export function options<K extends string | number>(labels: Record<K, string>, order?: readonly K[]): Array<{ value: string; label: string }> {
  const keys = order ?? (Object.keys(labels) as K[]);
  return keys.map((k) => ({ value: String(k), label: labels[k] }));
}
