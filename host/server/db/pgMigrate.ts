// Schema versions on PostgreSQL: the number of PG_MIGRATIONS applied, kept in cnfguard_schema.
// All pending migrations run in one transaction (PostgreSQL's DDL is transactional) under an
// advisory lock, so two nodes starting at once on a new database take turns and the second
// finds nothing left to do.
import { IoError } from "../../shared/errors.js";
import type { PgDatabase } from "./pgEngine.js";
import { PG_MIGRATION_LOCK, PG_MIGRATIONS, PG_VERSION_TABLE } from "./pgSchema.js";

export function pgUserVersion(db: PgDatabase): number {
  const present = db.prepare<{ present: boolean }>("SELECT to_regclass('cnfguard_schema') IS NOT NULL AS present").get();
  if (!present?.present) return 0;
  return db.prepare<{ version: number }>("SELECT version FROM cnfguard_schema").get()?.version ?? 0;
}

export function pgMigrate(db: PgDatabase): void {
  db.transaction(() => {
    db.exec(`SELECT pg_advisory_xact_lock(${PG_MIGRATION_LOCK}); ${PG_VERSION_TABLE}`);
    const from = pgUserVersion(db);
    if (from > PG_MIGRATIONS.length) {
      throw new IoError(`database schema version ${from} is newer than this build's ${PG_MIGRATIONS.length}: upgrade cnfguard`);
    }
    for (let v = from; v < PG_MIGRATIONS.length; v++) db.exec(PG_MIGRATIONS[v]);
    db.exec("DELETE FROM cnfguard_schema");
    db.prepare("INSERT INTO cnfguard_schema (version) VALUES (?)").run(PG_MIGRATIONS.length);
  })();
}
