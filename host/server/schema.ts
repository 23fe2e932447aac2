// The database schema, as an ordered list of migrations. PRAGMA user_version holds how
// many have run; opening a database runs the rest, each in its own transaction.
// Tables and columns are named like CUCM's so its troubleshooting queries run as written
// (`select md5hash,name from device where name='SEPA45630BBFA40'`).

import { CERTIFICATE_OPERATION_STATUS_IDS } from "../shared/capfStatus.js";
import { DEVICE_CLASSES, DEVICE_NAME_MAX_LENGTH } from "../shared/deviceNames.js";

/** The device-name CHECK of every class (deviceNames.ts holds the exact rules; this is the table's guard). */
const DEVICE_NAME_CHECK = `length(name) BETWEEN 4 AND ${DEVICE_NAME_MAX_LENGTH} AND name NOT GLOB '*[^A-Z0-9]*' AND substr(name, 1, 3) IN (${DEVICE_CLASSES.map((c) => `'${c.prefix}'`).join(", ")})`;

/** The triggers that log every change of a device row for the build layer (changeLog.ts). */
const DEVICE_CHANGELOG_TRIGGERS = `
  CREATE TRIGGER changelog_device_insert AFTER INSERT ON device
    BEGIN INSERT INTO changelog (subject, key) VALUES ('device', NEW.name); END;
  CREATE TRIGGER changelog_device_update AFTER UPDATE ON device
    BEGIN
      INSERT INTO changelog (subject, key) VALUES ('device', OLD.name);
      INSERT INTO changelog (subject, key) SELECT 'device', NEW.name WHERE NEW.name <> OLD.name;
    END;
  CREATE TRIGGER changelog_device_delete AFTER DELETE ON device
    BEGIN INSERT INTO changelog (subject, key) VALUES ('device', OLD.name); END;`;

/** Migration 7's tables, the same text on both engines (db/pgSchema.ts): a --database folder's PEM files, the nodes serving. */
export const CLUSTER_TABLES = `
  CREATE TABLE pkifile (
    name    TEXT PRIMARY KEY,
    content TEXT NOT NULL
  );
  CREATE TABLE node (
    name      TEXT PRIMARY KEY,
    host      TEXT NOT NULL,
    capfport  INTEGER NOT NULL,
    heartbeat TEXT NOT NULL
  );`;

/**
 * Migration 8's table, the same text on both engines (db/pgSchema.ts): the certificates
 * `server rotate` replaced on a --database folder (pkiStore.ts; a SQLite folder keeps them as
 * DIR/pki/retired/<name>.pem). Certificate only, PEM: its key signs nothing again.
 */
export const RETIRED_TABLE = `
  CREATE TABLE retiredcertificate (
    name        TEXT PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('sast', 'tftp', 'capf')),
    retiredat   TEXT NOT NULL,
    certificate TEXT NOT NULL
  );`;

/** Migration i brings the schema from version i to i + 1. Append only; never edit one that shipped. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE phonesecurityprofile (
    pkid                INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE COLLATE NOCASE,
    producttype         TEXT NOT NULL DEFAULT 'Cisco 7942',
    deviceprotocol      TEXT NOT NULL DEFAULT 'SIP' CHECK (deviceprotocol IN ('SIP', 'SCCP')),
    -- 1 Non Secure, 2 Authenticated, 3 Encrypted (CUCM's typedevicesecuritymode)
    devicesecuritymode  INTEGER NOT NULL DEFAULT 1 CHECK (devicesecuritymode IN (1, 2, 3)),
    tftpencryptedconfig INTEGER NOT NULL DEFAULT 0 CHECK (tftpencryptedconfig IN (0, 1)),
    capfauthmode        TEXT NOT NULL DEFAULT 'null' CHECK (capfauthmode IN ('null', 'string', 'lsc', 'mic')),
    keysize             INTEGER CHECK (keysize IN (1024, 2048, 3072, 4096)),
    keycurve            TEXT CHECK (keycurve IN ('secp256r1', 'secp384r1', 'secp521r1')),
    signinghash         TEXT NOT NULL DEFAULT 'sha1' CHECK (signinghash IN ('sha1', 'sha512')),
    CHECK ((keysize IS NULL) <> (keycurve IS NULL))
  );

  CREATE TABLE device (
    pkid                   INTEGER PRIMARY KEY,
    name                   TEXT NOT NULL UNIQUE CHECK (name GLOB 'SEP[0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F]'),
    description            TEXT NOT NULL DEFAULT '',
    fkphonesecurityprofile INTEGER NOT NULL REFERENCES phonesecurityprofile (pkid),
    -- what CAPF knows of the phone's certificate (LSC or MIC): NULL until a session records one
    md5hash                TEXT,
    certificate            BLOB,
    publickey              BLOB,
    -- the pending CAPF operation and this device's overrides of its profile (NULL = the profile's)
    capfoperation          TEXT NOT NULL DEFAULT 'none' CHECK (capfoperation IN ('none', 'install', 'fetch', 'delete')),
    capfauthmode           TEXT CHECK (capfauthmode IN ('null', 'string', 'lsc', 'mic')),
    authenticationstring   TEXT,
    keysize                INTEGER CHECK (keysize IN (1024, 2048, 3072, 4096)),
    keycurve               TEXT CHECK (keycurve IN ('secp256r1', 'secp384r1', 'secp521r1')),
    -- full-config settings
    loadinformation        TEXT NOT NULL DEFAULT 'SIP75.9-3-1SR2-1S',
    directorynumber        TEXT NOT NULL,
    sipauthname            TEXT NOT NULL,
    sippassword            TEXT NOT NULL,
    sshuserid              TEXT NOT NULL DEFAULT 'admin',
    sshpassword            TEXT NOT NULL
  );

  -- the publisher as phones reach it: the address in capfList and the call manager list
  CREATE TABLE processnode (
    pkid INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
  );
  `,
  // 2: the server's evidence per device (host/server/deviceEvents.ts): each file served or
  // refused and each CAPF session, oldest first by pkid; the recorder keeps the newest rows only.
  `
  CREATE TABLE deviceevent (
    pkid       INTEGER PRIMARY KEY,
    devicename TEXT NOT NULL,
    at         TEXT NOT NULL,
    -- 'http' or 'tftp' for a file, 'capf' for a CAPF session
    transport  TEXT NOT NULL CHECK (transport IN ('http', 'tftp', 'capf')),
    -- the file name asked for; NULL for a CAPF session
    filename   TEXT,
    -- 'served' or 'refused' for a file; 'completed' or 'failed' for a CAPF session
    outcome    TEXT NOT NULL CHECK (outcome IN ('served', 'refused', 'completed', 'failed')),
    bytes      INTEGER,
    -- what was served, why it was refused, or how the session ended
    detail     TEXT NOT NULL,
    remote     TEXT NOT NULL,
    -- a CAPF session's steps as a JSON array of strings; NULL for a file
    steps      TEXT
  );
  CREATE INDEX deviceevent_device ON deviceevent (devicename, pkid);
  `,
  // 3: the change log a running server watches (changeLog.ts) so that a change made by any
  // process — an admin command, the CAPF service, an import — invalidates the built files it
  // touches. Written by triggers, so no writer can forget it.
  `
  CREATE TABLE changelog (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    subject TEXT NOT NULL CHECK (subject IN ('device', 'profile', 'address', 'pki')),
    -- device: its name · profile: its pkid · address, pki: NULL (everything)
    key     TEXT
  );
${DEVICE_CHANGELOG_TRIGGERS}
  CREATE TRIGGER changelog_profile_update AFTER UPDATE ON phonesecurityprofile
    BEGIN INSERT INTO changelog (subject, key) VALUES ('profile', OLD.pkid); END;
  CREATE TRIGGER changelog_profile_delete AFTER DELETE ON phonesecurityprofile
    BEGIN INSERT INTO changelog (subject, key) VALUES ('profile', OLD.pkid); END;
  CREATE TRIGGER changelog_address_insert AFTER INSERT ON processnode
    BEGIN INSERT INTO changelog (subject) VALUES ('address'); END;
  CREATE TRIGGER changelog_address_update AFTER UPDATE ON processnode
    BEGIN INSERT INTO changelog (subject) VALUES ('address'); END;
  CREATE TRIGGER changelog_address_delete AFTER DELETE ON processnode
    BEGIN INSERT INTO changelog (subject) VALUES ('address'); END;
  `,
  // 4: the admin pages — a profile's Description, and the administrators who may sign in
  // (host/server/admin/adminAccount.ts: scrypt hashes, never the password).
  `
  ALTER TABLE phonesecurityprofile ADD COLUMN description TEXT NOT NULL DEFAULT '';
  CREATE TABLE adminuser (
    pkid         INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    passwordhash TEXT NOT NULL
  );
  `,
  // 5: devices of every class (ATA, Jabber CSF/BOT/TCT/TAB), not only SEP<MAC>. SQLite cannot
  // change a CHECK in place, so the table is rebuilt with its rows (and its change-log triggers,
  // which go with the old table).
  `
  CREATE TABLE device_v2 (
    pkid                   INTEGER PRIMARY KEY,
    name                   TEXT NOT NULL UNIQUE CHECK (${DEVICE_NAME_CHECK}),
    description            TEXT NOT NULL DEFAULT '',
    fkphonesecurityprofile INTEGER NOT NULL REFERENCES phonesecurityprofile (pkid),
    md5hash                TEXT,
    certificate            BLOB,
    publickey              BLOB,
    capfoperation          TEXT NOT NULL DEFAULT 'none' CHECK (capfoperation IN ('none', 'install', 'fetch', 'delete')),
    capfauthmode           TEXT CHECK (capfauthmode IN ('null', 'string', 'lsc', 'mic')),
    authenticationstring   TEXT,
    keysize                INTEGER CHECK (keysize IN (1024, 2048, 3072, 4096)),
    keycurve               TEXT CHECK (keycurve IN ('secp256r1', 'secp384r1', 'secp521r1')),
    loadinformation        TEXT NOT NULL DEFAULT 'SIP75.9-3-1SR2-1S',
    directorynumber        TEXT NOT NULL,
    sipauthname            TEXT NOT NULL,
    sippassword            TEXT NOT NULL,
    sshuserid              TEXT NOT NULL DEFAULT 'admin',
    sshpassword            TEXT NOT NULL
  );
  INSERT INTO device_v2 SELECT pkid, name, description, fkphonesecurityprofile, md5hash, certificate, publickey, capfoperation,
    capfauthmode, authenticationstring, keysize, keycurve, loadinformation, directorynumber, sipauthname, sippassword, sshuserid, sshpassword
    FROM device;
  DROP TABLE device;
  ALTER TABLE device_v2 RENAME TO device;
${DEVICE_CHANGELOG_TRIGGERS}
  `,
  // 6: CAPF operations as CUCM runs them: the deadline ("Operation Completes By", ISO 8601 UTC),
  // the Certificate Operation Status with its time (host/shared/capfStatus.ts), the LSC's
  // validity as recorded, a profile's LSC validity in days (NULL = the server's), and the names
  // of unknown devices CAPF clients gave (so "unknown device" is visible somewhere).
  `
  ALTER TABLE device ADD COLUMN capfoperationdeadline TEXT;
  ALTER TABLE device ADD COLUMN certificateoperationstatus TEXT NOT NULL DEFAULT 'none'
    CHECK (certificateoperationstatus IN (${CERTIFICATE_OPERATION_STATUS_IDS.map((s) => `'${s}'`).join(", ")}));
  ALTER TABLE device ADD COLUMN certificateoperationstatusat TEXT;
  ALTER TABLE device ADD COLUMN lscnotbefore TEXT;
  ALTER TABLE device ADD COLUMN lscnotafter TEXT;
  ALTER TABLE phonesecurityprofile ADD COLUMN lscvaliditydays INTEGER CHECK (lscvaliditydays BETWEEN 1 AND 7300);
  CREATE TABLE capfunknowndevice (
    name     TEXT PRIMARY KEY,
    lastseen TEXT NOT NULL,
    sessions INTEGER NOT NULL
  );
  `,
  // 7: what several nodes on one database share (db/pgSchema.ts has the same): the PKI's PEM
  // files of a folder made with --database (pkiStore.ts; a SQLite folder keeps them in DIR/pki),
  // and the nodes serving — each with the address and CAPF port phones reach it at and its last
  // heartbeat (clusterNodes.ts).
  `
${CLUSTER_TABLES}
  CREATE TRIGGER changelog_node_insert AFTER INSERT ON node
    BEGIN INSERT INTO changelog (subject) VALUES ('address'); END;
  CREATE TRIGGER changelog_node_update AFTER UPDATE OF host, capfport ON node
    BEGIN INSERT INTO changelog (subject) VALUES ('address'); END;
  CREATE TRIGGER changelog_node_delete AFTER DELETE ON node
    BEGIN INSERT INTO changelog (subject) VALUES ('address'); END;
  `,
  // 8: the certificates `server rotate` replaced, for a --database folder (RETIRED_TABLE above);
  // its ITLRecovery key is a pkifile row like the other keys.
  RETIRED_TABLE,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
