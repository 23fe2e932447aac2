// `device import FILE.csv`: the CSV source of deviceImport.ts. A header row names the columns
// (any order; name and profile required): name,profile,line,description,certificate,capf.
// certificate is the path of a PEM (or DER) certificate, relative to the CSV's folder; several
// rows may name the same file (lab fleets share test certificates), which is read once.
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { readCsvFile } from "./csvTable.js";
import { type ImportedCertificate, type ImportedDevice, importError } from "./deviceImport.js";

export const CSV_COLUMNS = ["name", "profile", "line", "description", "certificate", "capf"] as const;
type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED: readonly Column[] = ["name", "profile"];

export function devicesFromCsv(path: string): ImportedDevice[] {
  const [header, ...rows] = readCsvFile(path);
  const file = basename(path);
  if (!header) throw importError(`${file} line 1`, "name", `the file is empty — the first row names the columns: ${CSV_COLUMNS.join(",")}`);
  const columns = header.fields.map((f, i) => {
    const c = f.trim().toLowerCase();
    if (!(CSV_COLUMNS as readonly string[]).includes(c)) {
      throw importError(`${file} line ${header.line}`, `${i + 1} ('${f.slice(0, 40)}')`, `unknown column — the columns are ${CSV_COLUMNS.join(",")}`);
    }
    return c as Column;
  });
  for (const c of REQUIRED)
    if (!columns.includes(c)) throw importError(`${file} line ${header.line}`, c, `missing — the header must name ${REQUIRED.join(" and ")}`);
  const certificates = new Map<string, ImportedCertificate>();
  const base = dirname(path);
  return rows.map((row) => {
    const where = `${file} line ${row.line}`;
    if (row.fields.length !== columns.length) {
      throw importError(
        where,
        String(Math.min(row.fields.length, columns.length) + 1),
        `${row.fields.length} fields for ${columns.length} columns — give one value (or nothing) per column`,
      );
    }
    const value = (c: Column) => {
      const i = columns.indexOf(c);
      return i < 0 ? "" : row.fields[i].trim();
    };
    const certPath = value("certificate");
    return {
      where,
      name: value("name"),
      profile: value("profile"),
      directorynumber: value("line"),
      description: columns.includes("description") ? row.fields[columns.indexOf("description")] : undefined,
      certificate: certPath === "" ? undefined : certificateAt(resolve(base, certPath), certPath, where, certificates),
      capf: value("capf"),
    };
  });
}

function certificateAt(path: string, given: string, where: string, cache: Map<string, ImportedCertificate>): ImportedCertificate {
  const known = cache.get(path);
  if (known) return known;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw importError(
      where,
      "certificate",
      `${given}: cannot read (${(e as NodeJS.ErrnoException).code}) — give a PEM path relative to the CSV's folder, or leave it empty`,
    );
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(bytes);
  } catch (e) {
    throw importError(
      where,
      "certificate",
      `${given} is not a PEM or DER certificate (${(e as Error).message}) — give the phone's certificate, or leave it empty`,
    );
  }
  const der = new Uint8Array(cert.raw);
  const made: ImportedCertificate = {
    der,
    publicKeyDer: new Uint8Array(cert.publicKey.export({ type: "spki", format: "der" })),
    md5hash: createHash("md5").update(der).digest("hex"),
  };
  cache.set(path, made);
  return made;
}
