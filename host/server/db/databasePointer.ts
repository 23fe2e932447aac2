// A data folder whose database is PostgreSQL holds no database file, only this pointer:
// DIR/database.json = {"engine": "postgres", "url": "postgres://USER@HOST:PORT/DB", "node": NAME,
// "advertise": HOST} — the database, and which node of the cluster this folder is. Written once
// by `server init --database` or `server join` (the safe writer, mode 0600: a URL may carry a
// password); read by every command that opens the folder.
import { accessSync, constants, existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { readBoundedFile } from "../../shared/boundedRead.js";
import { IoError, UsageError } from "../../shared/errors.js";
import { writeFileSafely } from "../../shared/safeWrite.js";

export const DATABASE_POINTER_FILE = "database.json";

export function pointerPath(dataDir: string): string {
  return join(dataDir, DATABASE_POINTER_FILE);
}

/** The PostgreSQL URL the folder points at, or undefined for a SQLite folder. */
export function readDatabasePointer(dataDir: string): string | undefined {
  const path = pointerPath(dataDir);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readBoundedFile(path, "the database pointer", 64 * 1024).toString("utf8"));
  } catch (e) {
    throw new IoError(
      `${path}: not a database pointer (${(e as Error).message}) — write {"engine": "postgres", "url": "postgres://…"} or run 'server join' again`,
    );
  }
  const p = parsed as { engine?: unknown; url?: unknown };
  if (p.engine !== "postgres" || typeof p.url !== "string") {
    throw new IoError(`${path}: field "engine" must be "postgres" and "url" a postgres:// URL — run 'server join' again to rewrite it`);
  }
  return checkDatabaseUrl(p.url);
}

/** This folder's node of the cluster: its name in the node table and the address phones reach it at. */
export interface NodeIdentity {
  node: string;
  advertise: string;
}

export function writeDatabasePointer(dataDir: string, url: string, identity: NodeIdentity): void {
  const pointer = { engine: "postgres", url: checkDatabaseUrl(url), ...identity };
  writeFileSafely(pointerPath(dataDir), `${JSON.stringify(pointer, null, 2)}\n`, 0o600);
}

/** The node name and address written by init or join (undefined for a SQLite folder). */
export function readNodeIdentity(dataDir: string): NodeIdentity | undefined {
  if (readDatabasePointer(dataDir) === undefined) return undefined;
  const p = JSON.parse(readBoundedFile(pointerPath(dataDir), "the database pointer", 64 * 1024).toString("utf8")) as Partial<NodeIdentity>;
  if (typeof p.node !== "string" || typeof p.advertise !== "string") {
    throw new IoError(`${pointerPath(dataDir)}: fields "node" and "advertise" must be strings — run 'server join' again to rewrite it`);
  }
  return { node: p.node, advertise: p.advertise };
}

/** The URL parameters naming files for TLS to the database (README "TLS to PostgreSQL"). */
const TLS_FILE_PARAMETERS = ["sslrootcert", "sslcert", "sslkey"];

/** A postgres:// (or postgresql://) URL with a host and a database name; TLS files named by absolute paths. */
export function checkDatabaseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--database '${redactUrl(url)}': not a URL — give postgres://USER@HOST:PORT/DB`);
  }
  if (!/^postgres(ql)?:$/.test(u.protocol) || u.pathname.length < 2) {
    throw new UsageError(`--database '${redactUrl(url)}': give postgres://USER@HOST:PORT/DB (the scheme postgres:, a host and a database name)`);
  }
  for (const parameter of TLS_FILE_PARAMETERS) {
    const file = u.searchParams.get(parameter);
    if (file !== null && !isAbsolute(file)) {
      throw new UsageError(
        `--database '${redactUrl(url)}': ${parameter}=${file.slice(0, 100)} must be an absolute path — every node and command reads it, whatever folder it starts in`,
      );
    }
  }
  return url;
}

/** Each TLS file the URL names can be read (the connection would fail on it with a less telling message). */
export function checkTlsFiles(url: string): void {
  const u = new URL(url);
  for (const parameter of TLS_FILE_PARAMETERS) {
    const file = u.searchParams.get(parameter);
    if (file === null) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (e) {
      throw new IoError(
        `--database '${redactUrl(url)}': ${parameter} ${file.slice(0, 200)}: cannot read (${(e as NodeJS.ErrnoException).code}) — name the PEM file by its absolute path, readable by this user`,
      );
    }
  }
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, "$1:***@").slice(0, 300);
}
