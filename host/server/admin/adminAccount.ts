// The administrator accounts of the admin pages (CUCM's application users, reduced to a name and
// a password). Passwords are stored as scrypt hashes (memory-hard, from node:crypto) with their
// parameters, so they can be raised later without breaking stored ones.
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { IoError, UsageError } from "../../shared/errors.js";
import type { Db } from "../database.js";

/** N = 2^15, r = 8: 32 MiB and about 0.1 s per try — slow for a guesser, fine for a login. */
const SCRYPT = { N: 32768, r: 8, p: 1, keyLength: 32 } as const;
const MAX_PASSWORD = 1024;
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export const DEFAULT_ADMIN_USER = "admin";

export function checkAdminUser(name: string): string {
  if (!USER_NAME.test(name)) throw new UsageError(`--admin-user '${name}': use 1–64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit`);
  return name;
}

export function checkPassword(password: string, where: string): string {
  if (password.length < 8) throw new UsageError(`${where}: the password has ${password.length} characters; use at least 8`);
  if (password.length > MAX_PASSWORD) throw new UsageError(`${where}: the password is longer than ${MAX_PASSWORD} characters`);
  if (/[\r\n\0]/.test(password)) throw new UsageError(`${where}: the password holds a line break or NUL (only one trailing newline is ignored)`);
  return password;
}

/** The password in FILE, its one trailing newline (\n or \r\n) ignored. */
export function readPasswordFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new IoError(`--admin-password-file ${path}: cannot read (${(e as NodeJS.ErrnoException).code})`);
  }
  return checkPassword(text.replace(/\r?\n$/, ""), `--admin-password-file ${path}`);
}

/** A password for the administrator when none is given: 20 characters of base64url (120 bits). */
export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}

/** Creates or replaces the administrator `name` with `password`. */
export async function setAdmin(db: Db, name: string, password: string): Promise<void> {
  checkAdminUser(name);
  checkPassword(password, "password");
  const stored = await hashPassword(password);
  db.prepare("INSERT INTO adminuser (name, passwordhash) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET passwordhash = excluded.passwordhash").run(
    name,
    stored,
  );
}

export function adminCount(db: Db): number {
  return (db.prepare<{ n: number }>("SELECT count(*) AS n FROM adminuser").get() as { n: number }).n;
}

/** True when `name` exists and `password` is its password. Unknown names cost a hash too. */
export async function checkLogin(db: Db, name: string, password: string): Promise<boolean> {
  const row = db.prepare<{ passwordhash: string }>("SELECT passwordhash FROM adminuser WHERE name = ?").get(name.slice(0, 64));
  const stored = row?.passwordhash ?? DUMMY;
  const ok = await verifyPassword(password.slice(0, MAX_PASSWORD), stored);
  return ok && row !== undefined;
}

/** "scrypt$N$r$p$salt$hash" (base64url parts). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const got = await derive(password, Buffer.from(salt, "base64url"), Number(n), Number(r), Number(p));
  return got.length === expected.length && timingSafeEqual(got, expected);
}

function derive(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, SCRYPT.keyLength, { N, r, p, maxmem: 256 * N * r }, (e, key) => (e ? reject(e) : resolve(key)));
  });
}

/** A stored hash of no account's password, so a login for an unknown name takes as long. */
const DUMMY = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${Buffer.alloc(16).toString("base64url")}$${Buffer.alloc(32).toString("base64url")}`;
