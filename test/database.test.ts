// The server database: schema created at the current version and migrated on open, CUCM's
// column names (so the seed's query runs as written), read-only opening that refuses
// writes, and the CAPF store's one-transaction outcome.

import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { vectorsDir } from "../host/paths.js";
import { capfDeviceStore } from "../host/server/capfDeviceStore.js";
import { createDatabase, databasePath, openDatabase, openPostgres, type SqliteDatabase, userVersion } from "../host/server/database.js";
import { readDatabasePointer } from "../host/server/db/databasePointer.js";
import { globValue } from "../host/server/db/dialect.js";
import { PG_MIGRATIONS } from "../host/server/db/pgSchema.js";
import { numberPlaceholders, orderedValues } from "../host/server/db/placeholders.js";
import { addDevice, findDevice, setCapfOperation } from "../host/server/deviceStore.js";
import { addProfile } from "../host/server/profileStore.js";
import { MIGRATIONS, SCHEMA_VERSION } from "../host/server/schema.js";
import { runReadOnlyQuery } from "../host/server/sqlQuery.js";
import { textTable } from "../host/server/textTable.js";
import { createEngineDatabase, ENGINES, withEngineFolder, withTempFolder } from "./helpers/engines.js";

function withFolder(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "cnfguard-db-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `name` once per engine (PostgreSQL skipped, saying why, where it is not installed), each in a fresh data folder. */
function engineTest(name: string, fn: (dir: string) => void): void {
  for (const engine of ENGINES) test(`${engine.name}: ${name}`, { skip: engine.skip }, () => withEngineFolder(engine, fn));
}

const columns = (db: Database.Database, table: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);

/** The peer's device certificate and the md5hash the peer lists for it. */
function peerDevice(name: string): { der: Buffer; md5hash: string } {
  const pem = readFileSync(join(vectorsDir, "peer", "devices", `${name}.pem`), "utf8");
  const listed = readFileSync(join(vectorsDir, "peer", "devices", "md5hash.txt"), "utf8")
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .find(([, n]) => n === name);
  assert.ok(listed, `${name} in md5hash.txt`);
  return { der: new X509Certificate(pem).raw, md5hash: listed[0] };
}

test("a new database has the current schema version, WAL mode and CUCM's column names", () =>
  withFolder((dir) => {
    const db = createDatabase(dir);
    assert.equal(userVersion(db), SCHEMA_VERSION);
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    for (const c of [
      "name",
      "md5hash",
      "certificate",
      "publickey",
      "capfoperation",
      "capfauthmode",
      "authenticationstring",
      "keysize",
      "keycurve",
      "fkphonesecurityprofile",
    ]) {
      assert.ok(columns(db, "device").includes(c), `device.${c}`);
    }
    for (const c of [
      "name",
      "producttype",
      "deviceprotocol",
      "devicesecuritymode",
      "tftpencryptedconfig",
      "capfauthmode",
      "keysize",
      "keycurve",
      "signinghash",
    ]) {
      assert.ok(columns(db, "phonesecurityprofile").includes(c), `phonesecurityprofile.${c}`);
    }
    db.close();
  }));

test("opening migrates a version-0 database and refuses one newer than this build", () =>
  withFolder((dir) => {
    new Database(databasePath(dir)).close(); // an empty file: user_version 0
    const db = openDatabase(dir) as SqliteDatabase;
    assert.equal(userVersion(db), SCHEMA_VERSION);
    assert.ok(columns(db, "device").includes("md5hash"));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(() => openDatabase(dir), /newer than this build/);
  }));

test("a missing database names the folder and the fix", () =>
  withFolder((dir) => {
    mkdirSync(join(dir, "empty"));
    assert.throws(() => openDatabase(join(dir, "empty")), /server init/);
  }));

engineTest("the seed's query answers as CUCM's run sql, from a certificate recorded by the CAPF store", (dir) => {
  const db = createEngineDatabase(dir);
  addProfile(db, "Encrypted 7942", { tftpencryptedconfig: true });
  addDevice(db, "SEPA45630BBFA40", { profile: "Encrypted 7942" });
  const peer = peerDevice("SEPA45630BBFA40");
  const publicKeyDer = new X509Certificate(peer.der).publicKey.export({ type: "spki", format: "der" });
  capfDeviceStore(db).completeOperation("SEPA45630BBFA40", { certificateDer: peer.der, publicKeyDer, md5hash: peer.md5hash });
  db.close();

  const result = runReadOnlyQuery(dir, "select md5hash,name from device where name='SEPA45630BBFA40'");
  assert.deepEqual(result, { columns: ["md5hash", "name"], rows: [[peer.md5hash, "SEPA45630BBFA40"]] });
  assert.equal(
    textTable(result.columns, result.rows),
    `md5hash                          name\n================================ ===============\n${peer.md5hash} SEPA45630BBFA40\n`,
  );
  const blob = runReadOnlyQuery(dir, "select certificate from device");
  assert.deepEqual(blob.rows[0][0], new Uint8Array(peer.der));
});

engineTest("read-only queries: writes are refused and change nothing", (dir) => {
  const db = createEngineDatabase(dir);
  addProfile(db, "P", {});
  addDevice(db, "SEP001122334455", { profile: "P" });
  db.close();
  for (const sql of [
    "delete from device",
    "update device set md5hash='00'",
    "insert into phonesecurityprofile (name) values ('x')",
    "drop table device",
    "pragma user_version = 7",
    "select 1; delete from device",
    "attach database ':memory:' as x",
  ]) {
    assert.throws(() => runReadOnlyQuery(dir, sql), /read-only|readonly|more than one statement|does not parse/, sql);
  }
  assert.deepEqual(runReadOnlyQuery(dir, "select count(*) as n from device").rows, [[1]]);
  if (!readDatabasePointer(dir)) assert.deepEqual(runReadOnlyQuery(dir, "pragma user_version").rows, [[SCHEMA_VERSION]]);
  else assert.deepEqual(runReadOnlyQuery(dir, "select version from cnfguard_schema").rows, [[SCHEMA_VERSION]]);
});

engineTest("CAPF store: the device's settings fall back to its profile; an outcome is recorded whole with the operation back to none", (dir) => {
  const db = createEngineDatabase(dir);
  addProfile(db, "EC", { tftpencryptedconfig: true, keycurve: "secp384r1", capfauthmode: "lsc" });
  addDevice(db, "SEP0A1B2C3D4E5F", { profile: "EC" });
  const store = capfDeviceStore(db);
  assert.deepEqual(
    { ...store.findDevice("SEP0A1B2C3D4E5F") },
    {
      name: "SEP0A1B2C3D4E5F",
      operation: "none",
      authMode: "lsc",
      authString: undefined,
      keyType: "ec",
      keySize: undefined,
      curve: "secp384r1",
      certificateDer: undefined,
      deadline: undefined,
      lscDays: undefined,
    },
  );
  setCapfOperation(db, "SEP0A1B2C3D4E5F", { operation: "install", authString: "1234", keySize: 2048 });
  const scheduled = store.findDevice("SEP0A1B2C3D4E5F")!;
  assert.deepEqual(
    [scheduled.operation, scheduled.authMode, scheduled.authString, scheduled.keyType, scheduled.keySize],
    ["install", "string", "1234", "rsa", 2048],
  );
  assert.equal(store.findDevice("SEP0A1B2C3D4E5G"), undefined);
  // CUCM's device names are case-insensitive: a client's name in any case finds the canonical row
  assert.equal(store.findDevice("sep0a1b2c3d4e5f")?.name, "SEP0A1B2C3D4E5F");

  const peer = peerDevice("SEP0A1B2C3D4E5F");
  store.completeOperation("SEP0A1B2C3D4E5F", { certificateDer: peer.der, publicKeyDer: Buffer.from([1, 2, 3]), md5hash: peer.md5hash });
  const done = findDevice(db, "SEP0A1B2C3D4E5F")!;
  assert.deepEqual(
    [done.capfoperation, done.md5hash, Buffer.from(done.certificate!).equals(peer.der), Buffer.from(done.publickey!).toString("hex")],
    ["none", peer.md5hash, true, "010203"],
  );
  assert.ok(Buffer.from(store.findDevice("SEP0A1B2C3D4E5F")!.certificateDer!).equals(peer.der));

  assert.throws(() => store.completeOperation("SEP000000000000", { deleted: true }), /vanished/);
  setCapfOperation(db, "SEP0A1B2C3D4E5F", { operation: "delete" });
  store.completeOperation("SEP0A1B2C3D4E5F", { deleted: true });
  const deleted = findDevice(db, "SEP0A1B2C3D4E5F")!;
  assert.deepEqual([deleted.capfoperation, deleted.md5hash, deleted.certificate, deleted.publickey], ["none", null, null, null]);
  db.close();
});

engineTest("admin validation names the field and the fix", (dir) => {
  const db = createEngineDatabase(dir);
  addProfile(db, "P", {});
  assert.throws(() => addProfile(db, "P", {}), /already exists.*profile edit/);
  assert.throws(() => addProfile(db, "Q", { keysize: 1000 }), /--key-size 1000: use one of 1024, 2048, 3072, 4096/);
  assert.throws(() => addProfile(db, "Q", { keycurve: "p256" }), /--curve 'p256'/);
  assert.throws(() => addProfile(db, "Q", { keysize: 2048, keycurve: "secp256r1" }), /exclude each other/);
  assert.throws(() => addProfile(db, "Q", { signinghash: "sha256" }), /--hash 'sha256': use sha1 or sha512/);
  assert.throws(() => addProfile(db, "Q", { capfauthmode: "password" }), /--capf-auth 'password'/);
  assert.throws(() => addProfile(db, "Q", { deviceprotocol: "H323" }), /--protocol 'H323': use SIP or SCCP/);
  assert.throws(() => addDevice(db, "SEPA45630BBFA4", { profile: "P" }), /12 upper-case hex digits/);
  assert.throws(() => addDevice(db, "sepa45630bbfa40", { profile: "P" }), /did you mean SEPA45630BBFA40/);
  assert.throws(() => addDevice(db, "SEPA45630BBFA40", { profile: "nope" }), /no profile named 'nope'/);
  addDevice(db, "SEPA45630BBFA40", { profile: "P" });
  assert.throws(() => addDevice(db, "SEPA45630BBFA40", { profile: "P" }), /already exists/);
  assert.throws(() => setCapfOperation(db, "SEPA45630BBFA40", { operation: "renew" }), /operation 'renew': use one of none, install, fetch, delete/);
  assert.throws(() => setCapfOperation(db, "SEPA45630BBFA40", { operation: "install", authString: "12a4" }), /4–16 digits/);
  assert.throws(() => setCapfOperation(db, "SEPA45630BBFA40", { operation: "install", authMode: "string" }), /--auth-string/);
  db.close();
});

test("both engines: the same tables and columns at the same schema version", { skip: ENGINES[1].skip }, async () => {
  const url = (await ENGINES[1].newDatabaseUrl())!;
  await withTempFolder(async (dir) => {
    const sqlite = createDatabase(dir);
    const pg = openPostgres(url);
    try {
      const sqliteTables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[])
        .map((t) => `${t.name}: ${columns(sqlite, t.name).sort().join(", ")}`)
        .sort();
      const pgColumns = pg
        .prepare<{ t: string; c: string }>(
          "SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'cnfguard_schema'",
        )
        .all();
      const pgTables = [...new Set(pgColumns.map((r) => r.t))]
        .map(
          (t) =>
            `${t}: ${pgColumns
              .filter((r) => r.t === t)
              .map((r) => r.c)
              .sort()
              .join(", ")}`,
        )
        .sort();
      assert.deepEqual(pgTables, sqliteTables);
      assert.deepEqual([userVersion(sqlite), userVersion(pg)], [SCHEMA_VERSION, SCHEMA_VERSION]);
      assert.equal(PG_MIGRATIONS.length, MIGRATIONS.length, "a migration on one engine has its twin on the other");
    } finally {
      sqlite.close();
      pg.close();
    }
  });
});

test("placeholders: ? and @name numbered as $n for PostgreSQL, none inside literals, identifiers or comments", () => {
  assert.deepEqual(numberPlaceholders("SELECT '?', \"a?\", ? /* ? */, ? -- ?\n, ?"), { text: "SELECT '?', \"a?\", $1 /* ? */, $2 -- ?\n, $3", names: 3 });
  assert.deepEqual(numberPlaceholders("UPDATE t SET a = @a, b = 'it''s @b', c = @c WHERE a = @a"), {
    text: "UPDATE t SET a = $1, b = 'it''s @b', c = $2 WHERE a = $1",
    names: ["a", "c"],
  });
  assert.deepEqual(orderedValues(numberPlaceholders("@b @a"), [{ a: 1, b: undefined }]), [null, 1]);
  assert.deepEqual(globValue({ engine: "postgres" } as Parameters<typeof globValue>[0], "SEP0A?[0-9]*.x"), "^SEP0A.[0-9].*\\.x$");
});
