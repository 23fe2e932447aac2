// The database suites run once per engine: SQLite in a temp folder, and PostgreSQL in a fresh
// database of one throwaway cluster per test file (started on first use, stopped in after()).
// A suite says `for (const engine of ENGINES) test(\`${engine.name}: …\`, { skip: engine.skip }, …)`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { createDatabase, type Db, openDatabase } from "../../host/server/database.js";
import { readDatabasePointer, writeDatabasePointer } from "../../host/server/db/databasePointer.js";
import { type PgCluster, postgresSkipReason, startPgCluster } from "./postgres.js";

export interface EngineCase {
  name: "sqlite" | "postgres";
  /** why this engine's tests are skipped here, or false */
  skip: string | false;
  /** undefined for SQLite; for PostgreSQL the URL of a new empty database */
  newDatabaseUrl(): Promise<string | undefined>;
}

let cluster: Promise<PgCluster> | undefined;
let databases = 0;

/** The file's cluster (started on first use, stopped when the file's tests end). */
export function sharedCluster(): Promise<PgCluster> {
  cluster ??= startPgCluster();
  return cluster;
}
// registered when the test file imports this module, so it runs after the file's last test (not the first one's)
after(async () => (await cluster)?.stop());

const skipPg = postgresSkipReason();
if (skipPg) console.log(`# PostgreSQL tests skipped: ${skipPg}`);

export const ENGINES: readonly EngineCase[] = [
  { name: "sqlite", skip: false, newDatabaseUrl: async () => undefined },
  {
    name: "postgres",
    skip: skipPg,
    newDatabaseUrl: async () => (await sharedCluster()).createDatabase(`t${process.pid}_${++databases}`),
  },
];

/**
 * A temp data folder for one test on this engine, removed afterwards: empty for SQLite (the test
 * creates its database), pointing at a new empty PostgreSQL database otherwise.
 */
export async function withEngineFolder<T>(engine: EngineCase, fn: (dir: string) => Promise<T> | T): Promise<T> {
  const url = await engine.newDatabaseUrl();
  return withTempFolder((dir) => {
    if (url !== undefined) writeDatabasePointer(dir, url, { node: "test", advertise: "127.0.0.1" });
    return fn(dir);
  });
}

/** The folder's new database at the current schema: SQLite made in the folder, PostgreSQL migrated where it points. */
export function createEngineDatabase(dir: string): Db {
  return readDatabasePointer(dir) === undefined ? createDatabase(dir) : openDatabase(dir);
}

/** A temp folder for one test, removed afterwards. */
export async function withTempFolder<T>(fn: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "cnfguard-eng-"));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
