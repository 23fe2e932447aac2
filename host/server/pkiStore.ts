// Where a data folder's PKI files live: DIR/pki/*.pem for a SQLite folder (as always), the
// pkifile table for a folder made with --database — so every node of a cluster reads the same
// keys from the database and its folder holds none (README "A cluster on PostgreSQL" says who
// can read them there). Files are never overwritten, in either place.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { IoError } from "../shared/errors.js";
import { openDatabase } from "./database.js";
import { readDatabasePointer } from "./db/databasePointer.js";

export interface PkiText {
  text: string;
  /** where it came from, for messages: a path, or "database pkifile NAME" */
  where: string;
}

const pkiFolder = (dataDir: string) => join(dataDir, "pki");

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

/** Stores new PEM files; refuses (naming it) one that exists. */
export function writePkiTexts(dataDir: string, files: Record<string, string>): void {
  if (readDatabasePointer(dataDir) === undefined) {
    for (const [file, text] of Object.entries(files)) writeFileSync(join(pkiFolder(dataDir), file), text, { mode: 0o600, flag: "wx" });
    return;
  }
  const db = openDatabase(dataDir);
  try {
    const insert = db.prepare("INSERT INTO pkifile (name, content) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");
    db.transaction(() => {
      for (const [file, text] of Object.entries(files)) {
        if (insert.run(file, text).changes !== 1) throw new IoError(`database pkifile ${file}: exists already — refusing to overwrite the cluster's keys`);
      }
    })();
  } finally {
    db.close();
  }
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
