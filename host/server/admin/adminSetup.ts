// What the admin pages need in a data folder: the tomcat certificate (HTTPS) and an
// administrator. Made by `server init` (and `server init-admin` for a folder made before the
// admin pages existed, or to set a new password).
import { openDatabase } from "../database.js";
import { advertisedHost } from "../dataFolder.js";
import { type CertifiedKey, createTomcat, parseCertifiedKey, TOMCAT_FILE, writeTomcat } from "../labPki.js";
import { pkiFileExists, readPkiTexts } from "../pkiStore.js";
import { adminCount, checkAdminUser, DEFAULT_ADMIN_USER, generatePassword, setAdmin } from "./adminAccount.js";

export interface AdminSetup {
  user: string;
  /** set when the password was generated: shown once, stored only as a hash */
  generatedPassword?: string;
  tomcatCreated: boolean;
}

/** Makes DIR/pki/tomcat.pem when missing, and sets the administrator's password. */
export async function initAdmin(dataDir: string, o: { user?: string; password?: string }): Promise<AdminSetup> {
  const user = checkAdminUser(o.user ?? DEFAULT_ADMIN_USER);
  const db = openDatabase(dataDir);
  try {
    const tomcatCreated = !pkiFileExists(dataDir, TOMCAT_FILE);
    if (tomcatCreated) writeTomcat(dataDir, createTomcat(advertisedHost(db)));
    const password = o.password ?? generatePassword();
    await setAdmin(db, user, password);
    return { user, generatedPassword: o.password === undefined ? password : undefined, tomcatCreated };
  } finally {
    db.close();
  }
}

/** Why the admin pages cannot start on this folder, with the command that fixes it; undefined when they can. */
export function adminNotReady(dataDir: string, hasAdmin: () => boolean): string | undefined {
  if (pkiFileExists(dataDir, TOMCAT_FILE) && hasAdmin()) return undefined;
  return `admin pages off: ${dataDir} has no tomcat certificate or administrator (made before the admin pages) — run 'cnfguard server init-admin --data ${dataDir}'`;
}

export function readTomcat(dataDir: string): CertifiedKey {
  return parseCertifiedKey(readPkiTexts(dataDir, [TOMCAT_FILE])[TOMCAT_FILE]);
}

export { adminCount };
