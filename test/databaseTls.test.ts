// TLS between a node and PostgreSQL (issue 10): a throwaway cluster with `ssl = on` and a server
// certificate made here by a test CA (our certificate builder; node:crypto checks it), a node
// folder made with `sslmode=verify-full&sslrootcert=CA` in its URL — the session is TLS by the
// server's own account (pg_stat_ssl) — and the same URL with another CA refused by name (exit 1,
// a certificate that did not verify), nothing written. Skipped, saying why, without PostgreSQL.
import assert from "node:assert/strict";
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { CertifiedKey } from "../host/server/labPki.js";
import { certificatePem, createCertificate, privateKeyPem } from "../host/shared/pki/certificateBuilder.js";
import { cnfguardCli as cnfguard } from "./helpers/cliRun.js";
import { type PgCluster, postgresSkipReason, startPgCluster } from "./helpers/postgres.js";

const skip = postgresSkipReason();
if (skip) console.log(`# PostgreSQL TLS tests skipped: ${skip}`);

let tmp: string;
let pg: PgCluster;
let caFile: string;
let otherCaFile: string;

function testCa(cn: string): CertifiedKey {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const certificateDer = createCertificate({
    subject: [["CN", cn]],
    publicKey,
    selfSigningKey: privateKey,
    ca: true,
    keyUsage: ["keyCertSign", "digitalSignature"],
  });
  return { certificateDer, privateKey };
}

before(async () => {
  if (skip) return;
  tmp = mkdtempSync(join(tmpdir(), "cnfguard-pgtls-"));
  const ca = testCa("cnfguard test database CA");
  const server = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const serverCertificate = createCertificate({
    subject: [["CN", "127.0.0.1"]],
    publicKey: server.publicKey,
    issuer: ca,
    keyUsage: ["digitalSignature", "keyEncipherment"],
    extKeyUsage: ["serverAuth"],
    altNames: ["127.0.0.1"],
  });
  assert.ok(new X509Certificate(Buffer.from(serverCertificate)).checkIssued(new X509Certificate(Buffer.from(ca.certificateDer))));
  caFile = join(tmp, "ca.pem");
  writeFileSync(caFile, certificatePem(ca.certificateDer));
  otherCaFile = join(tmp, "other-ca.pem");
  writeFileSync(otherCaFile, certificatePem(testCa("some other CA").certificateDer));
  pg = await startPgCluster({ tls: { certificatePem: certificatePem(serverCertificate), keyPem: privateKeyPem(server.privateKey) } });
});
after(() => {
  if (skip) return;
  pg?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test("a node on sslmode=verify-full with the CA in sslrootcert: init, admin commands, and the session is TLS", { skip }, async () => {
  const url = `${pg.createDatabase("tlsok")}?sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile)}`;
  const data = join(tmp, "node-a");
  const init = await cnfguard("server", "init", "--data", data, "--database", url, "--node", "A");
  assert.equal(init.code, 0, init.stderr);
  assert.equal((await cnfguard("profile", "add", "Enc", "--tftp-encrypted-config", "--data", data)).code, 0);
  const r = await cnfguard("sql", "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()", "--data", data, "--json");
  assert.equal(r.code, 0, r.stderr);
  const [session] = JSON.parse(r.stdout) as Array<{ ssl: boolean; version: string }>;
  assert.equal(session.ssl, true, "the server sees this session encrypted");
  assert.match(session.version, /^TLSv1\.[23]$/);
  const joined = await cnfguard("server", "join", "--data", join(tmp, "node-b"), "--database", url, "--node", "B");
  assert.equal(joined.code, 0, joined.stderr);
  const profiles = await cnfguard("profile", "list", "--data", join(tmp, "node-b"), "--json");
  assert.deepEqual(
    (JSON.parse(profiles.stdout) as Array<{ name: string }>).map((p) => p.name),
    ["Enc"],
  );
});

test("a CA that did not issue the server's certificate is refused by name (exit 1), nothing written", { skip }, async () => {
  const url = `${pg.createDatabase("tlswrong")}?sslmode=verify-full&sslrootcert=${encodeURIComponent(otherCaFile)}`;
  const data = join(tmp, "node-wrong");
  const r = await cnfguard("server", "init", "--data", data, "--database", url);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /database server's certificate/);
  assert.match(r.stderr, /sslrootcert/);
  assert.ok(r.stderr.includes(otherCaFile), "names the CA file it checked against");
  assert.ok(!existsSync(data), "no folder made");
});

test("sslrootcert naming no file: exit 3 naming it; a relative path: exit 2 (a node may start elsewhere)", { skip }, async () => {
  const base = pg.createDatabase("tlsmissing");
  const missing = join(tmp, "no-such-ca.pem");
  let r = await cnfguard(
    "server",
    "init",
    "--data",
    join(tmp, "node-missing"),
    "--database",
    `${base}?sslmode=verify-full&sslrootcert=${encodeURIComponent(missing)}`,
  );
  assert.equal(r.code, 3, r.stderr);
  assert.ok(r.stderr.includes(missing), r.stderr);
  r = await cnfguard("server", "init", "--data", join(tmp, "node-relative"), "--database", `${base}?sslmode=verify-full&sslrootcert=ca.pem`);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /sslrootcert/);
});
