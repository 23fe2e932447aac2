// Where a data folder's PKI files live: DIR/pki/*.pem for a SQLite folder (as always), the
// pkifile table for a folder made with --database — so every node of a cluster reads the same
// keys from the database and its folder holds none (README "A cluster on PostgreSQL" says who
// can read them there). The certificates `server rotate` replaced likewise: DIR/pki/retired/,
// or the retiredcertificate table (schema migration 8). Files are never overwritten, in either
// place, except by changePki (a rotation), which logs a "pki" change in the same step.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { IoError } from "../shared/errors.js";
import { writeFileSafely } from "../shared/safeWrite.js";
import { recordChange } from "./changeLog.js";
import { type Db, openDatabase } from "./database.js";
import { readDatabasePointer } from "./db/databasePointer.js";

export interface PkiText {
  text: string;
  /** where it came from, for messages: a path, or "database pkifile NAME" */
  where: string;
}

/** A certificate `server rotate` replaced (PEM, certificate only). */
export interface RetiredText extends PkiText {
  /** <role>-<when>-<serial hex>: DIR/pki/retired/<name>.pem, or the retiredcertificate row's name */
  name: string;
  role: string;
}

const pkiFolder = (dataDir: string) => join(dataDir, "pki");
const retiredFolder = (dataDir: string) => join(pkiFolder(dataDir), "retired");
const RETIRED_NAME = /^(sast|tftp|capf)-([0-9]{8}T[0-9]{6}Z)-[0-9a-f]{1,64}$/;

/** Where `file` lives for this folder, as messages name it. */
export function pkiWhere(dataDir: string, file: string): string {
  return readDatabasePointer(dataDir) === undefined ? join(pkiFolder(dataDir), file) : `database pkifile ${file}`;
}

/** The named PEM files' text: each of `files` must exist, each of `optional` is left out when absent. */
export function readPkiTexts(dataDir: string, files: readonly string[], optional: readonly string[] = []): Record<string, PkiText> {
  const out: Record<string, PkiText> = {};
  if (readDatabasePointer(dataDir) === undefined) {
    for (const file of [...files, ...optional.filter((f) => existsSync(join(pkiFolder(dataDir), f)))]) {
      const path = join(pkiFolder(dataDir), file);
      try {
        out[file] = { text: readFileSync(path, "utf8"), where: path };
      } catch (e) {
        throw new IoError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code}) — was the data folder made by 'server init'?`);
      }
    }
    return out;
  }
  const db = openDatabase(dataDir, { readonly: true });
  try {
    const row = db.prepare<{ content: string }>("SELECT content FROM pkifile WHERE name = ?");
    for (const file of [...files, ...optional]) {
      const where = `database pkifile ${file}`;
      const text = row.get(file)?.content;
      if (text === undefined && optional.includes(file)) continue;
      if (text === undefined) throw new IoError(`${where}: missing — was the cluster's database made by 'server init --database'?`);
      out[file] = { text, where };
    }
    return out;
  } finally {
    db.close();
  }
}

/** The certificates `server rotate` replaced, oldest first (none on a folder never rotated). */
export function readRetiredTexts(dataDir: string): RetiredText[] {
  const byAge = (a: { name: string }, b: { name: string }) => retiredAt(a.name).localeCompare(retiredAt(b.name)) || a.name.localeCompare(b.name);
  if (readDatabasePointer(dataDir) === undefined) {
    const dir = retiredFolder(dataDir);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .map((file) => ({ file, name: file.replace(/\.pem$/, "") }))
      .filter(({ file, name }) => file.endsWith(".pem") && RETIRED_NAME.test(name))
      .sort(byAge)
      .map(({ file, name }) => {
        const where = join(dir, file);
        try {
          return { name, role: name.split("-")[0], text: readFileSync(where, "utf8"), where };
        } catch (e) {
          throw new IoError(`${where}: cannot read the retired certificate (${(e as NodeJS.ErrnoException).code})`);
        }
      });
  }
  const db = openDatabase(dataDir, { readonly: true });
  try {
    return db
      .prepare<{ name: string; role: string; certificate: string }>("SELECT name, role, certificate FROM retiredcertificate")
      .all()
      .sort(byAge)
      .map((r) => ({ name: r.name, role: r.role, text: r.certificate, where: `database retiredcertificate ${r.name}` }));
  } finally {
    db.close();
  }
}

const retiredAt = (name: string) => RETIRED_NAME.exec(name)?.[2] ?? "";

/** Stores new PEM files; refuses (naming it) one that exists. */
export function writePkiTexts(dataDir: string, files: Record<string, string>): void {
  if (readDatabasePointer(dataDir) === undefined) {
    for (const [file, text] of Object.entries(files)) writeFileSync(join(pkiFolder(dataDir), file), text, { mode: 0o600, flag: "wx" });
    return;
  }
  const db = openDatabase(dataDir);
  try {
    db.transaction(() => insertPkiRows(db, files))();
  } finally {
    db.close();
  }
}

function insertPkiRows(db: Db, files: Record<string, string>): void {
  const insert = db.prepare("INSERT INTO pkifile (name, content) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");
  for (const [file, text] of Object.entries(files)) {
    if (insert.run(file, text).changes !== 1) throw new IoError(`database pkifile ${file}: exists already — refusing to overwrite the cluster's keys`);
  }
}

/** What a rotation changes in a folder's PKI. */
export interface PkiChange {
  /** new files (refused by name when one exists) */
  add?: Record<string, string>;
  /** existing files, each replaced whole */
  replace?: Record<string, string>;
  /** the certificate the replacement retires: `name` as RetiredText's */
  retire?: { name: string; role: string; pem: string };
}

/**
 * Applies `change` and logs a "pki" change, so every server on the folder — every node of a
 * cluster, through the change notification — rebuilds its files and reloads CAPF. On the
 * database all of it is one transaction; in DIR/pki each file is written whole (temp file and
 * rename) and the log row comes last. Returns where the retired certificate is kept.
 */
export function changePki(dataDir: string, db: Db, change: PkiChange): { retiredWhere?: string } {
  const { add = {}, replace = {}, retire } = change;
  if (retire && !RETIRED_NAME.test(retire.name)) throw new IoError(`retired certificate name '${retire.name}': not <role>-<when>-<serial>`);
  if (db.engine === "sqlite") {
    let retiredWhere: string | undefined;
    if (retire) {
      if (!existsSync(retiredFolder(dataDir))) mkdirSync(retiredFolder(dataDir), { mode: 0o700 });
      retiredWhere = join(retiredFolder(dataDir), `${retire.name}.pem`);
      writeFileSafely(retiredWhere, retire.pem, 0o600);
    }
    for (const [file, text] of Object.entries(add)) writeFileSync(join(pkiFolder(dataDir), file), text, { mode: 0o600, flag: "wx" });
    for (const [file, text] of Object.entries(replace)) writeFileSafely(join(pkiFolder(dataDir), file), text, 0o600);
    recordChange(db, "pki");
    return { retiredWhere };
  }
  const update = db.prepare("UPDATE pkifile SET content = ? WHERE name = ?");
  db.transaction(() => {
    if (retire) {
      db.prepare("INSERT INTO retiredcertificate (name, role, retiredat, certificate) VALUES (?, ?, ?, ?)").run(
        retire.name,
        retire.role,
        retiredAt(retire.name),
        retire.pem,
      );
    }
    insertPkiRows(db, add);
    for (const [file, text] of Object.entries(replace)) {
      if (update.run(text, file).changes !== 1)
        throw new IoError(`database pkifile ${file}: missing — was the cluster's database made by 'server init --database'?`);
    }
    recordChange(db, "pki");
  })();
  return { retiredWhere: retire && `database retiredcertificate ${retire.name}` };
}

export function pkiFileExists(dataDir: string, file: string): boolean {
  if (readDatabasePointer(dataDir) === undefined) return existsSync(join(pkiFolder(dataDir), file));
  const db = openDatabase(dataDir, { readonly: true });
  try {
    return db.prepare("SELECT 1 AS one FROM pkifile WHERE name = ?").get(file) !== undefined;
  } finally {
    db.close();
  }
}
