// The administrator's commands as the seed has them done, through bin/cnfguard: init a
// data folder, create and edit a profile, add a phone, schedule CAPF, query the database,
// start the server and stop it with SIGTERM. Exit codes and messages are checked too. The whole
// suite runs once per engine: a SQLite folder, then one made with --database on a throwaway
// PostgreSQL (test/helpers/engines.ts; skipped, saying why, without PostgreSQL).

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { repoRoot } from "../host/paths.js";
import { openDatabase } from "../host/server/database.js";
import { readPkiTexts } from "../host/server/pkiStore.js";
import { type CliRun, runCli } from "./helpers/cliRun.js";
import { ENGINES } from "./helpers/engines.js";
import { rawHttp } from "./helpers/serverFixtures.js";

const BIN = join(repoRoot, "bin", "cnfguard");
const PKI_NAMES = ["capf.pem", "itlrecovery.pem", "mic-ca.pem", "sast.pem", "tftp.pem", "tomcat.pem"];

function cnfguard(...args: string[]): Promise<CliRun> {
  return runCli(args, 60_000);
}

/** Polls `check` every 20 ms for up to `ms` (PostgreSQL nodes hear of a change by notification, within 1 s). */
async function within<T>(ms: number, get: () => Promise<T>, check: (v: T) => boolean): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await get();
    if (check(v) || Date.now() - start > ms) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const engine of ENGINES) {
  describe(engine.name, { skip: engine.skip }, () => {
    let tmp: string;
    let data: string;
    let url: string | undefined;

    before(async () => {
      tmp = mkdtempSync(join(tmpdir(), "cnfguard-admin-"));
      data = join(tmp, "data");
      url = await engine.newDatabaseUrl();
      const database = url === undefined ? [] : ["--database", url];
      const init = await cnfguard("server", "init", "--data", data, "--advertise", "10.48.46.4", "--json", ...database);
      assert.equal(init.code, 0, init.stderr);
      assert.deepEqual(JSON.parse(init.stdout).advertise, "10.48.46.4");
    });
    after(() => rmSync(tmp, { recursive: true, force: true }));

    test("server init: the lab PKI like a fresh CUCM's, kept secret, and no second init over it", async () => {
      const pem = (file: string) => readPkiTexts(data, [file])[file].text;
      if (url === undefined) {
        assert.deepEqual(readdirSync(join(data, "pki")).sort(), PKI_NAMES);
        for (const f of readdirSync(join(data, "pki"))) assert.equal(statSync(join(data, "pki", f)).mode & 0o777, 0o600, f);
        assert.equal(statSync(join(data, "cnfguard.db")).mode & 0o777, 0o600, "the database holds the phones' passwords");
      } else {
        // the keys are rows of the database (README says who may read it); the folder only points there
        const db = openDatabase(data, { readonly: true });
        try {
          assert.deepEqual(
            db
              .prepare<{ name: string }>("SELECT name FROM pkifile ORDER BY name")
              .all()
              .map((r) => r.name),
            PKI_NAMES,
          );
        } finally {
          db.close();
        }
        assert.deepEqual(readdirSync(data), ["database.json"]);
        assert.equal(statSync(join(data, "database.json")).mode & 0o777, 0o600, "the pointer may carry the database password");
        const other = await cnfguard("server", "init", "--data", join(tmp, "other"), "--database", url);
        assert.equal(other.code, 3);
        assert.match(other.stderr, /holds a cluster already — add a node to it with 'server join/);
      }
      const capf = new X509Certificate(pem("capf.pem"));
      assert.equal(capf.ca, true);
      assert.equal(capf.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
      assert.deepEqual(capf.keyUsage?.sort(), ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
      assert.equal(capf.checkIssued(capf), true, "self-signed");
      for (const f of ["sast.pem", "tftp.pem"]) {
        const c = new X509Certificate(pem(f));
        assert.equal(c.publicKey.asymmetricKeyDetails?.modulusLength, 2048, f);
        assert.equal(c.verify(c.publicKey), true, `${f} is self-signed`);
      }
      const again = await cnfguard("server", "init", "--data", data, ...(url === undefined ? [] : ["--database", url]));
      assert.equal(again.code, 3);
      assert.match(again.stderr, /refusing to overwrite/);
    });

    test("the seed's steps: profile with TFTP Encrypted Config, a phone, CAPF by string, and the SQL check", async () => {
      let r = await cnfguard("profile", "add", "Cisco 7942 - Standard SIP Secure Profile", "--product", "Cisco 7942", "--protocol", "SIP", "--data", data);
      assert.equal(r.code, 0, r.stderr);
      r = await cnfguard(
        "profile",
        "edit",
        "Cisco 7942 - Standard SIP Secure Profile",
        "--tftp-encrypted-config",
        "--hash",
        "sha512",
        "--data",
        data,
        "--json",
      );
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual((({ tftpencryptedconfig, signinghash, keysize }) => ({ tftpencryptedconfig, signinghash, keysize }))(JSON.parse(r.stdout)[0]), {
        tftpencryptedconfig: true,
        signinghash: "sha512",
        keysize: 2048,
      });
      r = await cnfguard("device", "add", "SEPA45630BBFA40", "--profile", "Cisco 7942 - Standard SIP Secure Profile", "--data", data);
      assert.equal(r.code, 0, r.stderr);
      r = await cnfguard("device", "capf", "SEPA45630BBFA40", "install", "--auth-string", "123456", "--data", data, "--json");
      assert.equal(r.code, 0, r.stderr);
      const [device] = JSON.parse(r.stdout);
      assert.deepEqual([device.capfoperation, device.capfauthmode, device.authenticationstring], ["install", "string", "123456"]);
      assert.equal(JSON.stringify(device).includes("password"), false, "lists never show the phone's passwords");

      r = await cnfguard("sql", "select md5hash,name from device where name='SEPA45630BBFA40'", "--data", data);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "md5hash name\n======= ===============\nNULL    SEPA45630BBFA40\n");
      r = await cnfguard("sql", "select name, tftpencryptedconfig from phonesecurityprofile", "--data", data, "--json");
      assert.deepEqual(JSON.parse(r.stdout), [{ name: "Cisco 7942 - Standard SIP Secure Profile", tftpencryptedconfig: 1 }]);

      r = await cnfguard("profile", "list", "--data", data);
      assert.match(r.stdout, /^name +producttype .*\n=+ =+/);
      r = await cnfguard("device", "list", "--data", data, "--json");
      assert.equal(JSON.parse(r.stdout).length, 1);
    });

    test("usage errors exit 2 and name the field and the fix; a missing folder exits 3", async () => {
      const cases: Array<[string[], RegExp]> = [
        [["device", "add", "SEPA45630BBFA4", "--profile", "x", "--data", data], /SEP followed by the phone's MAC as 12 upper-case hex digits/],
        [["profile", "add", "X", "--key-size", "2000", "--data", data], /--key-size 2000: use one of 1024, 2048, 3072, 4096/],
        [["profile", "add", "X", "--curve", "p256", "--data", data], /--curve 'p256': use one of secp256r1/],
        [["device", "capf", "SEPA45630BBFA40", "install", "--auth-string", "12", "--data", data], /--auth-string: an authentication string is 4–16 digits/],
        [["sql", "delete from device", "--data", data], /read-only/],
        [["server", "start", "--data", data, "--http-port", "70000"], /--http-port '70000'/],
        [["server", "restart"], /use init, join, init-admin, init-recovery, rotate or start/],
        [["server", "start", "--data", data, "--max-transfers", "0"], /--max-transfers '0': give a whole number 1–65535 \(default 1024\)/],
        [["server", "start", "--data", data, "--header-timeout", "ten"], /--header-timeout 'ten'/],
      ];
      for (const [args, message] of cases) {
        const r = await cnfguard(...args);
        assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
        assert.match(r.stderr, message);
      }
      if (url !== undefined) return; // what follows reads no database: once is enough
      const missing = await cnfguard("device", "list", "--data", join(tmp, "nowhere"));
      assert.equal(missing.code, 3);
      assert.match(missing.stderr, /server init/);
      for (const c of ["server", "profile", "device", "sql"]) {
        const help = await cnfguard(c, "--help");
        assert.equal(help.code, 0);
        assert.match(help.stdout, /^usage: cnfguard /);
      }
    });

    test("server start: prints the bound ports, serves, logs one line per request, stops on SIGTERM", async () => {
      const limits = ["--max-transfers", "256", "--tftp-deadline", "30", "--header-timeout", "10", "--http-max-per-source", "16", "--capf-max-per-source", "8"];
      const child = spawn(process.execPath, [
        BIN,
        "server",
        "start",
        "--data",
        data,
        "--http-port",
        "0",
        "--tftp-port",
        "0",
        "--capf-port",
        "0",
        "--admin-port",
        "0",
        "--json",
        ...limits,
      ]);
      let out = "";
      child.stdout.on("data", (c) => (out += c));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      try {
        while (!out.includes("\n")) await new Promise((r) => setTimeout(r, 50));
        const ports = JSON.parse(out.split("\n")[0]);
        for (const k of ["http", "tftp", "capf", "admin"]) assert.ok(ports[k] > 0, k);
        const sgn = await rawHttp(ports.http, "/SEPA45630BBFA40.cnf.xml.sgn");
        assert.equal(sgn.status, 200);
        assert.match(sgn.body.toString("latin1"), /<processNodeName>10\.48\.46\.4<\/processNodeName>/, "the advertised host from init");
        assert.equal((await rawHttp(ports.http, "/SEPA45630BBFA40.cnf.xml")).status, 404);
        await new Promise((r) => setTimeout(r, 100));
        assert.match(out, /GET \/SEPA45630BBFA40\.cnf\.xml\.sgn 200 \d+ bytes \(partial config, certHash empty\)/);
        assert.match(out, /GET \/SEPA45630BBFA40\.cnf\.xml 404 \(profile .* is secure/);

        // Another process edits the profile: on SQLite the running server's next answer follows; on
        // PostgreSQL the node hears of it by notification, within 1 s.
        const edit = await cnfguard("profile", "edit", "Cisco 7942 - Standard SIP Secure Profile", "--no-tftp-encrypted-config", "--data", data);
        assert.equal(edit.code, 0, edit.stderr);
        const isFull = (r: { body: Buffer }) => /<fullConfig>true<\/fullConfig>/.test(r.body.toString("latin1"));
        const full = await within(url === undefined ? 0 : 1000, () => rawHttp(ports.http, "/SEPA45630BBFA40.cnf.xml.sgn"), isFull);
        assert.ok(isFull(full), "the edit is served");
      } finally {
        child.kill("SIGTERM");
      }
      assert.equal(await exited, 0);
    });
  });
}
