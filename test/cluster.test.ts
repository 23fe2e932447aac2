// Two (and three) `server start` nodes, each its own process, on one throwaway PostgreSQL: a
// phone enrols through node B and node A serves it the encrypted config; each node's partial
// config lists its own CAPF first; a profile edit through A is served by B within 1 s; two
// nodes finishing one device's enrolment at once record one outcome; 100 enrolments over two
// nodes lose no update; a node killed with SIGKILL mid-enrolment leaves the row whole and the
// other node serves the next phone; with the database gone a node serves what it built,
// refuses CAPF by name, and catches up once the database is back.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { repoRoot } from "../host/paths.js";
import { bootPhone } from "../host/phone/bootFlow.js";
import type { Db } from "../host/server/database.js";
import { openDatabase } from "../host/server/database.js";
import { initDataFolder, joinDataFolder } from "../host/server/dataFolder.js";
import { addDevice, findDevice, setCapfOperation } from "../host/server/deviceStore.js";
import { readLabPki } from "../host/server/labPki.js";
import { addProfile, editProfile } from "../host/server/profileStore.js";
import { runCli } from "./helpers/cliRun.js";
import { sharedCluster } from "./helpers/engines.js";
import { scratchDir } from "./helpers/phoneFixtures.js";
import { type PgCluster, postgresSkipReason } from "./helpers/postgres.js";

const skip = postgresSkipReason();

interface Node {
  name: string;
  data: string;
  ports: { http: number; tftp: number; capf: number };
  lines: string[];
  child: ChildProcess;
  /** resolves at the first log line matching `re` (deadline 20 s) */
  waitFor(re: RegExp): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

let tmp: string;
let pg: PgCluster;
let db: Db;
let a: Node;
let b: Node;
let mac = 0x200;

/** enrolments in flight at once in the 100-phone test */
const AT_ONCE = 6;

const nextMac = () => `0A0B0C${(mac++).toString(16).toUpperCase().padStart(6, "0")}`;

async function startNode(name: string, data: string): Promise<Node> {
  const child = spawn(
    process.execPath,
    [join(repoRoot, "bin", "cnfguard"), "server", "start", "--data", data, "--http-port", "0", "--tftp-port", "0", "--capf-port", "0", "--json"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    lines.push(line);
    for (const w of waiters.splice(0)) {
      if (w.re.test(line)) w.resolve(line);
      else waiters.push(w);
    }
  });
  const waitFor = (re: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((l) => re.test(l));
      if (seen) return resolve(seen);
      const timer = setTimeout(() => reject(new Error(`node ${name}: no log line ${re} in 20 s`)), 20_000);
      waiters.push({
        re,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  const portsLine = await waitFor(/^\{/);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    name,
    data,
    ports: JSON.parse(portsLine),
    lines,
    child,
    waitFor,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** GETs a file from a node over HTTP: status and body. */
async function get(node: Node, file: string): Promise<{ status: number; body: Buffer }> {
  const r = await fetch(`http://127.0.0.1:${node.ports.http}/${file}`, { signal: AbortSignal.timeout(5000) });
  return { status: r.status, body: Buffer.from(await r.arrayBuffer()) };
}

/** Polls until `check` holds for what the node serves (every 20 ms, up to `ms`); returns the time it took. */
async function until(node: Node, file: string, check: (r: { status: number; body: Buffer }) => boolean, ms: number): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (check(await get(node, file))) return performance.now() - start;
    if (performance.now() - start > ms) assert.fail(`node ${node.name}: ${file} not as expected within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The CAPF ports a partial config lists, in order. */
const capfPorts = (body: Buffer) => [...body.toString("latin1").matchAll(/<phonePort>(\d+)<\/phonePort>/g)].map((m) => Number(m[1]));

function newPhone(profile = "enc"): { mac: string; name: string } {
  const m = nextMac();
  const name = `SEP${m}`;
  addDevice(db, name, { profile });
  setCapfOperation(db, name, { operation: "install" });
  return { mac: m, name };
}

function boot(node: Node, phoneMac: string, state: string) {
  return bootPhone({
    server: "127.0.0.1",
    mac: phoneMac,
    state,
    httpPort: node.ports.http,
    tftpPort: node.ports.tftp,
    transport: "http",
    fetchTimeoutMs: 15_000,
    capfTimeoutMs: 20_000,
    hashWaitMs: 5000,
  });
}

/** Boots until it succeeds, at most `attempts` times — as a phone reboots after a server too busy to answer (the full suite loads the machine). */
async function bootWithRetries(node: Node, phoneMac: string, state: string, attempts = 3) {
  let r = await boot(node, phoneMac, state);
  for (let i = 1; i < attempts && !r.ok; i++) r = await boot(node, phoneMac, state);
  return r;
}

const lscMd5 = (state: string) =>
  createHash("md5")
    .update(new X509Certificate(readFileSync(join(state, "lsc.pem"))).raw)
    .digest("hex");

before(async () => {
  if (skip) return;
  pg = await sharedCluster();
  const url = pg.createDatabase("cluster");
  tmp = mkdtempSync(join(tmpdir(), "cnfguard-cluster-"));
  initDataFolder(join(tmp, "a"), "127.0.0.1", undefined, { url, node: "A" });
  joinDataFolder(join(tmp, "b"), url, { node: "B" });
  db = openDatabase(join(tmp, "a"));
  addProfile(db, "enc", { tftpencryptedconfig: true, capfauthmode: "null", keysize: 1024 });
  [a, b] = await Promise.all([startNode("A", join(tmp, "a")), startNode("B", join(tmp, "b"))]);
});
after(async () => {
  if (skip) return;
  await Promise.all([a?.stop(), b?.stop()]);
  db?.close();
  rmSync(tmp, { recursive: true, force: true });
});

test("each node's partial config lists its own CAPF first, then the other node's", { skip }, async () => {
  const { name } = newPhone();
  const file = `${name}.cnf.xml.sgn`;
  await until(a, file, (r) => capfPorts(r.body).length === 2, 5000);
  await until(b, file, (r) => capfPorts(r.body).length === 2, 5000);
  assert.deepEqual(capfPorts((await get(a, file)).body), [a.ports.capf, b.ports.capf]);
  assert.deepEqual(capfPorts((await get(b, file)).body), [b.ports.capf, a.ports.capf]);
});

test("a phone enrols through node B; node A then serves it the encrypted config", { skip }, async (t) => {
  const phone = newPhone();
  const state = scratchDir(t);
  await until(b, `${phone.name}.cnf.xml.sgn`, (r) => r.status === 200, 5000);
  const viaB = await boot(b, phone.mac, state);
  assert.equal(viaB.ok, true, JSON.stringify(viaB.failure));
  assert.ok(
    b.lines.some((l) => l.includes(`device ${phone.name}`)),
    "the CAPF session ran on B",
  );
  const row = findDevice(db, phone.name)!;
  assert.deepEqual([row.capfoperation, row.md5hash], ["none", lscMd5(state)]);
  // A hears of B's outcome and serves the config encrypted to the new LSC
  await until(a, `${phone.name}.cnf.xml.enc.sgn`, (r) => r.status === 200, 3000);
  const viaA = await boot(a, phone.mac, state);
  assert.equal(viaA.ok, true, JSON.stringify(viaA.failure));
  assert.ok(!a.lines.some((l) => l.includes(`device ${phone.name}`)), "no CAPF session on A: its LSC was already known");
  assert.ok(viaA.config?.toString("utf8").includes(`<sshPassword>${row.sshpassword}</sshPassword>`), "A's decrypted config holds the device's secrets");
});

test("a profile edit through node A is served by node B within 1 s", { skip }, async () => {
  addProfile(db, "editable", { tftpencryptedconfig: true, capfauthmode: "null", keysize: 1024 });
  const { name } = newPhone("editable");
  const file = `${name}.cnf.xml.sgn`;
  await until(b, file, (r) => r.body.includes("<capfAuthMode>2</capfAuthMode>"), 5000);
  editProfile(db, "editable", { capfauthmode: "string" });
  const took = await until(b, file, (r) => r.body.includes("<capfAuthMode>1</capfAuthMode>"), 1000);
  assert.ok(took <= 1000, `served by B after ${Math.round(took)} ms`);
});

test("two nodes enrolling the same device at once: one outcome is recorded, the other session ends by name", { skip }, async (t) => {
  const phone = newPhone();
  const states = [0, 1].map(() => mkdtempSync(join(tmpdir(), "cnfguard-phone-")));
  t.after(() => {
    for (const s of states) rmSync(s, { recursive: true, force: true });
  });
  await until(a, `${phone.name}.cnf.xml.sgn`, (r) => r.status === 200, 5000);
  await until(b, `${phone.name}.cnf.xml.sgn`, (r) => r.status === 200, 5000);
  const results = await Promise.all([boot(a, phone.mac, states[0]), boot(b, phone.mac, states[1])]);
  const row = findDevice(db, phone.name)!;
  assert.equal(row.capfoperation, "none");
  // The row holds exactly one session's certificate, whole: that phone's LSC, its MD5, its public key.
  const winners = states.filter((s, i) => results[i].ok && lscMd5(s) === row.md5hash);
  assert.equal(winners.length, 1, "exactly one phone's LSC is the one recorded");
  const cert = new X509Certificate(row.certificate!);
  assert.equal(createHash("md5").update(cert.raw).digest("hex"), row.md5hash);
  assert.ok(Buffer.from(row.publickey!).equals(cert.publicKey.export({ type: "spki", format: "der" })));
  // The other node's session either lost the race at its outcome or found the operation done at its start.
  const loser = [a, b][results.findIndex((r, i) => !(r.ok && lscMd5(states[i]) === row.md5hash))];
  const said = loser.lines.filter((l) => l.includes(`device ${phone.name}`) || /superseded|operation none/.test(l)).join("\n");
  assert.match(said, new RegExp(`outcome superseded — ${phone.name}|operation none`), "the other node's session ended by name");
});

test("100 enrolments spread over two nodes at once lose no update", { skip }, async (t) => {
  const phones = Array.from({ length: 100 }, () => newPhone());
  const states = phones.map(() => mkdtempSync(join(tmpdir(), "cnfguard-phone-")));
  t.after(() => {
    for (const s of states) rmSync(s, { recursive: true, force: true });
  });
  const last = phones[phones.length - 1].name;
  await until(a, `${last}.cnf.xml.sgn`, (r) => r.status === 200, 10_000);
  await until(b, `${last}.cnf.xml.sgn`, (r) => r.status === 200, 10_000);
  // AT_ONCE phones in flight at every moment, alternating nodes: the test process runs every
  // phone's crypto in one thread, so more at once only times out the client, not the servers.
  const results: Awaited<ReturnType<typeof boot>>[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < phones.length; i = next++) results[i] = await bootWithRetries(i % 2 === 0 ? a : b, phones[i].mac, states[i]);
  };
  await Promise.all(Array.from({ length: AT_ONCE }, worker));
  // A boot that still fails after its reboots (a loaded machine's client timing out) is no lost
  // update, but it must be rare, and its row must be whole; every phone that booted must find
  // its own LSC in its row.
  const failed = results.map((r, i) => (r.ok ? undefined : `${phones[i].name}: ${r.failure?.message}`)).filter(Boolean);
  assert.ok(failed.length <= 5, `boots failed: ${failed.join("; ")}`);
  const lost = phones.filter((p, i) => {
    const row = findDevice(db, p.name)!;
    if (!results[i].ok) return !(row.capfoperation === "install" ? row.md5hash === null : row.md5hash !== null && row.certificate !== null);
    return row.capfoperation !== "none" || row.md5hash !== lscMd5(states[i]);
  });
  assert.deepEqual(
    lost.map((p) => p.name),
    [],
    "every booted device's row holds its own phone's LSC, and no row is half-written",
  );
});

test("tftp, capf, sast rotated through node A reach node B within 1 s: a phone enrolled before boots through B, its list replaced; report lsc names the old CAPF's LSC", {
  skip,
}, async (t) => {
  const phone = newPhone();
  const state = scratchDir(t);
  await until(b, `${phone.name}.cnf.xml.sgn`, (r) => r.status === 200, 5000);
  const first = await bootWithRetries(b, phone.mac, state);
  assert.equal(first.ok, true, JSON.stringify(first.failure));
  for (const role of ["tftp", "capf", "sast"] as const) {
    const rotated = await runCli(["server", "rotate", role, "--data", a.data, "--json"]);
    assert.equal(rotated.code, 0, rotated.stderr);
    const result = JSON.parse(rotated.stdout) as { current: { serial: string }; retiredFile: string };
    assert.match(result.retiredFile, new RegExp(`^database retiredcertificate ${role}-`), "kept in the database, not in A's folder");
    const pki = readLabPki(b.data); // read through B's folder: the database
    assert.equal(new X509Certificate(Buffer.from(pki[role].certificateDer)).serialNumber, result.current.serial);
    const carriesNew = (r: { status: number; body: Buffer }) => r.status === 200 && r.body.includes(Buffer.from(pki[role].certificateDer));
    const took = await until(b, "ITLFile.tlv", carriesNew, 1000);
    assert.ok(took <= 1000, `${role}: B served the new trust list after ${Math.round(took)} ms`);
    t.diagnostic(`${role} rotated through A: B served the new trust list after ${Math.round(took)} ms`);
    await until(a, "ITLFile.tlv", carriesNew, 1000);
    const held = readFileSync(join(state, "ITL.tlv"));
    const r = await bootWithRetries(b, phone.mac, state);
    assert.equal(r.ok, true, `${role}: ${JSON.stringify(r.failure)}`);
    assert.match(r.steps.find((s) => s.step === "trust-list")?.outcome ?? "", /^replaced/, `${role}: the held list accepted the next one`);
    assert.ok(
      r.steps.every((s) => s.ok || s.step === "cert-hash"),
      `${role}: nothing refused: ${JSON.stringify(r.steps.filter((s) => !s.ok))}`,
    );
    assert.ok(
      r.steps.some((s) => s.step === "encrypted-config" && s.ok),
      `${role}: encrypted config verified and decrypted`,
    );
    const stored = readFileSync(join(state, "ITL.tlv"));
    assert.ok(!stored.equals(held) && stored.equals((await get(b, "ITLFile.tlv")).body), `${role}: the phone holds B's new list`);
    assert.ok(r.config?.toString("utf8").includes(`<sshPassword>${findDevice(db, phone.name)!.sshpassword}</sshPassword>`));
    if (role !== "capf") continue;
    // B's CAPF took the new key: a new phone pins it from the new list and enrols through B
    const fresh = newPhone();
    const freshState = scratchDir(t);
    await until(b, `${fresh.name}.cnf.xml.sgn`, (x) => x.status === 200, 5000);
    const enrolled = await bootWithRetries(b, fresh.mac, freshState);
    assert.equal(enrolled.ok, true, JSON.stringify(enrolled.failure));
    const freshLsc = new X509Certificate(readFileSync(join(freshState, "lsc.pem")));
    assert.ok(freshLsc.verify(new X509Certificate(Buffer.from(pki.capf.certificateDer)).publicKey), "issued by the new CAPF key on B");
    const report = await runCli(["report", "lsc", "--data", b.data, "--json"]);
    assert.equal(report.code, 0, report.stderr);
    const rows = JSON.parse(report.stdout) as Array<{ name: string; issuerCurrent: boolean; issuerPrevious: boolean }>;
    const pick = (name: string) => rows.find((x) => x.name === name);
    assert.deepEqual([pick(phone.name)?.issuerCurrent, pick(phone.name)?.issuerPrevious], [false, true], "the LSC from before the rotation");
    assert.deepEqual([pick(fresh.name)?.issuerCurrent, pick(fresh.name)?.issuerPrevious], [true, false]);
  }
  assert.ok(!existsSync(join(a.data, "pki")), "no PKI files in a cluster node's folder");
});

test("a node killed with SIGKILL mid-enrolment leaves the row whole; the other node serves the next phone", { skip }, async (t) => {
  const c = await startNode("C", joinDataFolderFor("c"));
  t.after(() => c.stop("SIGKILL"));
  const phone = newPhone();
  const state = scratchDir(t);
  await until(c, `${phone.name}.cnf.xml.sgn`, (r) => r.status === 200, 5000);
  const booting = boot(c, phone.mac, state);
  await c.waitFor(new RegExp(`device ${phone.name}`));
  await c.stop("SIGKILL");
  const killed = await booting;
  assert.equal(killed.ok, false, "the phone's boot could not finish on the killed node");
  const row = findDevice(db, phone.name)!;
  // all of the outcome or none of it
  const whole = row.capfoperation === "none" && row.md5hash !== null && row.certificate !== null && row.publickey !== null;
  const untouched = row.capfoperation === "install" && row.md5hash === null && row.certificate === null && row.publickey === null;
  assert.ok(whole || untouched, `row half-written: ${JSON.stringify({ op: row.capfoperation, md5: row.md5hash, cert: row.certificate !== null })}`);

  const next = newPhone();
  const nextState = scratchDir(t);
  await until(a, `${next.name}.cnf.xml.sgn`, (r) => r.status === 200, 5000);
  const r = await boot(a, next.mac, nextState);
  assert.equal(r.ok, true, JSON.stringify(r.failure));
  // C is gone for good: its row goes now, not when its heartbeat expires (30 s on, perhaps in the
  // middle of the next test, whose node must not rebuild while the database is away)
  db.prepare("DELETE FROM node WHERE name = ?").run("C");
  await until(a, `${next.name}.cnf.xml.sgn`, (x) => capfPorts(x.body).length === 2, 5000);
});

test("without the database a node serves what it built and refuses CAPF by name; back, it catches up", { skip }, async (t) => {
  const ready = newPhone();
  const waiting = newPhone();
  await until(a, `${ready.name}.cnf.xml.sgn`, (r) => r.status === 200, 5000);
  await until(a, `${waiting.name}.cnf.xml.sgn`, (r) => r.status === 200, 5000);
  const before = (await get(a, `${ready.name}.cnf.xml.sgn`)).body;
  pg.stopServer();
  t.after(() => {
    try {
      pg.startServer();
    } catch {}
  });
  const served = await get(a, `${ready.name}.cnf.xml.sgn`);
  assert.deepEqual([served.status, served.body.equals(before)], [200, true], "the built file is still served");
  const unbuilt = await get(a, "SEP0A0B0CFFFFFF.cnf.xml.sgn");
  assert.notEqual(unbuilt.status, 200, "a file it never built cannot be made without the database");
  assert.equal((await get(a, `${ready.name}.cnf.xml.sgn`)).status, 200, "and the node goes on serving");
  const state = scratchDir(t);
  const refused = await boot(a, waiting.mac, state);
  assert.equal(refused.ok, false);
  await a.waitFor(/database unavailable/);
  pg.startServer();
  // a change made while A reconnects reaches it
  const db2 = openDatabase(join(tmp, "b"));
  try {
    addProfile(db2, "after-outage", { tftpencryptedconfig: true, capfauthmode: "string", keysize: 1024 });
    db2
      .prepare("UPDATE device SET fkphonesecurityprofile = (SELECT pkid FROM phonesecurityprofile WHERE name = 'after-outage') WHERE name = ?")
      .run(ready.name);
  } finally {
    db2.close();
  }
  await until(a, `${ready.name}.cnf.xml.sgn`, (r) => r.body.includes("<capfAuthMode>1</capfAuthMode>"), 15_000);
  const again = await boot(a, waiting.mac, state);
  assert.equal(again.ok, true, JSON.stringify(again.failure));
});

function joinDataFolderFor(name: string): string {
  const data = join(tmp, name);
  joinDataFolder(data, readPointerUrl(), { node: name.toUpperCase() });
  return data;
}

function readPointerUrl(): string {
  return JSON.parse(readFileSync(join(tmp, "a", "database.json"), "utf8")).url;
}
