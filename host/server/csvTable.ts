// A CSV file as rows of fields (RFC 4180: comma-separated, fields may be double-quoted with ""
// for a quote, CRLF or LF line ends), each row with the 1-based line it starts on so errors
// can name it. Bounded: a file past MAX_BYTES or a field past MAX_FIELD is refused.
import { readFileSync, statSync } from "node:fs";
import { IoError, UsageError } from "../shared/errors.js";

export const MAX_CSV_BYTES = 64 * 1024 * 1024;
const MAX_FIELD = 64 * 1024;

export interface CsvRow {
  /** 1-based line number where the row starts */
  line: number;
  fields: string[];
}

/** Reads and splits `path`; blank lines are skipped. */
export function readCsvFile(path: string): CsvRow[] {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new IoError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code}) — give the path of a CSV file`);
  }
  if (size > MAX_CSV_BYTES) throw new UsageError(`${path}: ${size} bytes is more than a CSV import takes (${MAX_CSV_BYTES}); split it into several files`);
  return parseCsv(readFileSync(path, "utf8").replace(/^\uFEFF/, ""), path);
}

export function parseCsv(text: string, source: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let i = 0;
  const endField = () => {
    if (field.length > MAX_FIELD) throw new UsageError(`${source} line ${rowLine}: a field longer than ${MAX_FIELD} characters — is this a CSV file?`);
    fields.push(field);
    field = "";
  };
  const endRow = () => {
    endField();
    if (fields.length > 1 || fields[0] !== "") rows.push({ line: rowLine, fields });
    fields = [];
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field.length === 0) quoted = true;
    else if (c === ",") endField();
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRow();
      line++;
      rowLine = line;
    } else field += c;
    i++;
  }
  if (quoted) throw new UsageError(`${source} line ${rowLine}: a quoted field is not closed — add the closing "`);
  endRow();
  return rows;
}
