// SQL is written once with SQLite's placeholders — `?` in order, or `@name` with one object of
// values — and PostgreSQL wants `$1, $2 …`. This numbers them, skipping string literals, quoted
// identifiers and comments (where a `?` or `@` is text, not a parameter).

export interface Numbered {
  text: string;
  /** for `?`: how many; for `@name`: the names in $-order */
  names: string[] | number;
}

export function numberPlaceholders(sql: string): Numbered {
  let out = "";
  let count = 0;
  const names: string[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const skip = skipQuoted(sql, i);
    if (skip > i) {
      out += sql.slice(i, skip);
      i = skip;
    } else if (c === "?") {
      out += `$${++count}`;
      i++;
    } else if (c === "@" && /[A-Za-z_]/.test(sql[i + 1] ?? "")) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      let at = names.indexOf(name);
      if (at < 0) at = names.push(name) - 1;
      out += `$${at + 1}`;
      i += 1 + name.length;
    } else {
      out += c;
      i++;
    }
  }
  return { text: out, names: names.length > 0 ? names : count };
}

/** The end of the literal, identifier or comment starting at i, or i when none starts there. */
function skipQuoted(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === c) {
        if (sql[j + 1] === c)
          j += 2; // '' inside a literal
        else return j + 1;
      } else j++;
    }
    return sql.length;
  }
  if (c === "-" && sql[i + 1] === "-") {
    const end = sql.indexOf("\n", i);
    return end < 0 ? sql.length : end;
  }
  if (c === "/" && sql[i + 1] === "*") {
    const end = sql.indexOf("*/", i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return i;
}

/** The values in $-order for a statement's parameters as the caller passed them. */
export function orderedValues(n: Numbered, params: unknown[]): unknown[] {
  if (typeof n.names === "number") return params.map((v) => (v === undefined ? null : v));
  const named = (params[0] ?? {}) as Record<string, unknown>;
  return n.names.map((name) => named[name] ?? null);
}
