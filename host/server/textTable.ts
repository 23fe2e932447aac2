// Rows printed the way CUCM's `run sql` prints them: a header line, a rule of '=' under
// each column, then the rows, columns padded to their widest value and joined by a space.

export type Cell = string | number | bigint | boolean | null | Uint8Array;

export function textTable(columns: string[], rows: Cell[][]): string {
  const text = rows.map((row) => row.map(cellText));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join(" ");
  return [line(columns), line(widths.map((w) => "=".repeat(w))), ...text.map(line)].join("\n") + "\n";
}

/** NULL as CUCM shows it; blobs as hex (a certificate in a terminal helps nobody as bytes). */
export function cellText(v: Cell): string {
  if (v === null) return "NULL";
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  if (typeof v === "boolean") return v ? "t" : "f";
  return String(v);
}
