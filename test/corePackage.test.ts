// The package as another project gets it: `npm pack`, installed into an empty temporary
// project with --ignore-scripts (no native build), then cnfguard/core run in Node, in Chromium
// and in Firefox ESR (SpiderMonkey) from a static server on 127.0.0.1. Each engine opens the
// peer's encrypted config to the peer's plaintext and refuses a tampered copy with
// E_BAD_SIGNATURE. Each part says plainly when it is skipped and why.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash, createPrivateKey, X509Certificate } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, extname, join, resolve, sep } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { repoRoot, vectorsDir } from "../host/paths.js";
import { CHROMIUM_FLAGS } from "./helpers/browser.js";
import type { ScenarioResult } from "./helpers/coreScenario.js";

const PEER = join(vectorsDir, "peer");
const SCENARIO_JS = join(dirname(fileURLToPath(import.meta.url)), "helpers", "coreScenario.js");
const BIG = join(PEER, "enc", "big", "SEPA45630BBFA40.cnf.xml.enc.sgn");
const expectedPlain = readFileSync(join(PEER, "plain", "big.cnf.xml"));
const capfDer = new X509Certificate(readFileSync(join(PEER, "pki", "capf.pem"))).raw;

let work = "";
let project = "";
let skipAll: string | undefined;
let installNote = "";
let packedFiles: string[] = [];

/**
 * npm as a fresh shell would run it: without the npm_* variables of the `npm test` around us,
 * and without node_modules/.bin on PATH (a dev dependency there carries an npm 6 of its own).
 */
function npm(args: string[], cwd: string) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_")));
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((d) => !d.includes(`node_modules${sep}.bin`))
    .join(delimiter);
  return spawnSync("npm", args, {
    cwd,
    env: { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" },
    encoding: "utf8",
    timeout: 240_000,
  });
}

before(() => {
  if (npm(["--version"], repoRoot).status !== 0) {
    skipAll = "npm is not on PATH";
    return;
  }
  work = mkdtempSync(join(tmpdir(), "cnfguard-pkg-"));
  const pack = npm(["pack", "--ignore-scripts", "--json", "--pack-destination", work], repoRoot);
  assert.equal(pack.status, 0, `npm pack: ${pack.stderr}`);
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  packedFiles = info.files.map((f) => f.path);
  project = join(work, "consumer");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "cnfguard-consumer", private: true, type: "module" }));
  const tarball = join(work, info.filename);
  // Offline first (everything from the tarball and npm's cache); the host's own dependencies
  // (better-sqlite3, asn1js, @noble/curves) may not be cached, then npm asks the registry.
  const flags = ["install", "--ignore-scripts", "--no-package-lock", tarball];
  let r = npm([...flags, "--offline"], project);
  if (r.status !== 0 && /ENOTCACHED/.test(r.stderr)) {
    installNote = "the host's dependencies were not all in npm's cache: installed them from the registry (still --ignore-scripts)";
    r = npm(flags, project);
  }
  if (r.status !== 0) skipAll = `npm install of the packed tarball failed (no registry and no cache?): ${r.stderr.slice(-400)}`;
  // The inputs every engine reads, next to the page.
  const fixtures = join(project, "fixtures");
  mkdirSync(fixtures);
  copyFileSync(join(PEER, "itl", "ITLSEPA45630BBFA40.tlv"), join(fixtures, "itl.tlv"));
  writeFileSync(
    join(fixtures, "key.der"),
    createPrivateKey(readFileSync(join(PEER, "devices", "SEPA45630BBFA40.pem"))).export({ type: "pkcs8", format: "der" }),
  );
  copyFileSync(BIG, join(fixtures, "config.enc.sgn"));
  const tampered = readFileSync(BIG);
  tampered[tampered.length - 100] ^= 1;
  writeFileSync(join(fixtures, "tampered.enc.sgn"), tampered);
  writeFileSync(join(fixtures, "capf.der"), capfDer);
  copyFileSync(SCENARIO_JS, join(project, "scenario.js"));
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The outcome every engine must reach, checked against the peer and node:crypto. */
function assertScenario(r: ScenarioResult | { error: string }, engine: string): void {
  assert.ok(!("error" in r), `${engine}: ${"error" in r ? r.error : ""}`);
  const s = r as ScenarioResult;
  assert.equal(s.selftest, 0, `${engine}: selftest`);
  assert.equal(s.abiVersion, 1);
  assert.ok(s.records >= 3 && s.roles.includes("SAST") && s.roles.includes("TFTP"), `${engine}: records ${s.roles}`);
  assert.equal(s.modulusBytes, 256);
  const plain = Buffer.from(s.plaintext, "base64");
  assert.equal(plain.length, expectedPlain.length, `${engine}: plaintext length`);
  assert.ok(plain.equals(expectedPlain), `${engine}: plaintext differs from the peer's`);
  assert.deepEqual(s.tampered, { name: "E_BAD_SIGNATURE", code: 102 }, `${engine}: tampered config`);
  assert.equal(s.inspected.version, "2.0");
  assert.equal(s.inspected.signature, "valid");
  assert.equal(s.md5, createHash("md5").update(expectedPlain).digest("hex"));
  assert.equal(s.certHash, createHash("md5").update(capfDer).digest("hex"));
}

test("the tarball carries the built module, header, declarations and license, and nothing of the sources", (t) => {
  if (skipAll) return t.skip(skipAll);
  for (const f of [
    "package.json",
    "LICENSE",
    "README.md",
    "build/cnfguard.wasm",
    "build/cnfguard.wasm.d.ts",
    "build/cnfguard_abi.h",
    "dist/host/index.js",
    "dist/host/index.d.ts",
    "dist/host/core/loadCore.js",
    "dist/host/core/loadCore.d.ts",
    "bin/cnfguard",
  ])
    assert.ok(packedFiles.includes(f), `${f} is in the tarball`);
  const stray = packedFiles.filter((f) => /^(assembly|host|test|vectors|scripts|embed|node_modules|dist\/test|dist\/bench)\//.test(f) || f.endsWith(".map"));
  assert.deepEqual(stray, [], "sources, tests and maps stay out of the tarball");
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
  assert.equal(pkg.license, "MIT");
  assert.match(readFileSync(join(repoRoot, "LICENSE"), "utf8"), /^MIT License\n\nCopyright \(c\) \d{4} the cnfguard authors/);
});

test("cnfguard/core imports nothing from node: and nothing outside the package", (t) => {
  if (skipAll) return t.skip(skipAll);
  const pkgDir = join(project, "node_modules", "cnfguard");
  const entry = join(pkgDir, "dist", "host", "core", "loadCore.js");
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g)) {
      const spec = m[1] ?? m[2];
      assert.ok(spec.startsWith("./") || spec.startsWith("../"), `${file.slice(pkgDir.length)} imports "${spec}"`);
      const target = resolve(dirname(file), spec);
      assert.ok(target.startsWith(pkgDir + sep), `${spec} leaves the package`);
      walk(target);
    }
  };
  walk(entry);
  assert.ok(seen.size >= 5, `walked ${[...seen].length} modules`);
});

test('Node: the installed package\'s cnfguard/core (and the "." host API) from an empty project', (t) => {
  if (skipAll) return t.skip(skipAll);
  if (installNote) t.diagnostic(installNote);
  writeFileSync(
    join(project, "node.mjs"),
    `import { readFileSync } from "node:fs";
import { loadCore } from "cnfguard/core";
import { runScenario } from "./scenario.js";
import * as host from "cnfguard";
const f = (n) => readFileSync(new URL("./fixtures/" + n, import.meta.url));
const result = await runScenario(() => loadCore(), { itl: f("itl.tlv"), deviceKey: f("key.der"), config: f("config.enc.sgn"), tampered: f("tampered.enc.sgn"), certificate: f("capf.der") });
const fromBytes = await loadCore(readFileSync(new URL(import.meta.resolve("cnfguard/cnfguard.wasm"))));
result.fromBytes = fromBytes.selftest();
result.header = readFileSync(new URL(import.meta.resolve("cnfguard/cnfguard_abi.h")), "utf8").includes("#define CNFGUARD_EVENT_DONE");
result.host = host.core().selftest();
console.log(JSON.stringify(result));
`,
  );
  const r = spawnSync(process.execPath, ["node.mjs"], { cwd: project, encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assertScenario(result, "Node");
  assert.equal(result.fromBytes, 0, "loadCore(bytes)");
  assert.equal(result.header, true, "cnfguard/cnfguard_abi.h resolves");
  assert.equal(result.host, 0, "the '.' host API");
});

/** A static server on 127.0.0.1 serving the consumer project (the page, node_modules, fixtures). */
async function serveProject(): Promise<{ server: Server; url: string }> {
  const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
  const page = `<!doctype html><meta charset="utf-8"><title>cnfguard/core</title>
<script type="importmap">{"imports":{"cnfguard/core":"/node_modules/cnfguard/dist/host/core/loadCore.js"}}</script>
<script type="module">
import { loadCore } from "cnfguard/core";
import { runScenario } from "/scenario.js";
const f = async (n) => new Uint8Array(await (await fetch("/fixtures/" + n)).arrayBuffer());
try {
  window.__cnfguard = await runScenario(() => loadCore(), { itl: await f("itl.tlv"), deviceKey: await f("key.der"), config: await f("config.enc.sgn"), tampered: await f("tampered.enc.sgn"), certificate: await f("capf.der") });
} catch (e) { window.__cnfguard = { error: String(e && e.stack || e) }; }
</script>`;
  writeFileSync(join(project, "index.html"), page);
  const server = createServer((req, res) => {
    const path = resolve(project, `.${decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)}`);
    const file = path === project ? join(project, "index.html") : path;
    if (!file.startsWith(project + sep) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

type Launch = typeof import("puppeteer-core").launch;
type Browser = import("puppeteer-core").Browser;

async function inBrowser(
  t: { skip(msg: string): void; diagnostic(msg: string): void },
  engine: string,
  start: (launch: Launch, profile: string) => Promise<Browser>,
) {
  if (skipAll) return t.skip(skipAll);
  let launch: Launch;
  try {
    launch = (await import("puppeteer-core")).launch;
  } catch {
    return t.skip("puppeteer-core is not installed (npm ci installs it: a devDependency)");
  }
  const profile = mkdtempSync(join(tmpdir(), `cnfguard-${engine}-`));
  const { server, url } = await serveProject();
  let browser: Browser | undefined;
  try {
    browser = await start(launch, profile);
    const page = await browser.newPage();
    await page.goto(url, { timeout: 60_000 });
    await page.waitForFunction("window.__cnfguard !== undefined", { timeout: 60_000 });
    const result = (await page.evaluate("window.__cnfguard")) as ScenarioResult | { error: string };
    t.diagnostic(`${engine}: ${await browser.version()}`);
    assertScenario(result, engine);
  } finally {
    await browser?.close();
    await new Promise((ok) => server.close(ok));
    rmSync(profile, { recursive: true, force: true });
  }
}

test("Chromium: a page on 127.0.0.1 imports cnfguard/core and opens the config", { timeout: 180_000 }, async (t) => {
  const exe = "/usr/bin/chromium";
  if (!existsSync(exe)) return t.skip(`${exe} not installed: apt-get install chromium (CI installs it in .ci/run)`);
  await inBrowser(t, "chromium", (launch, profile) =>
    launch({
      executablePath: exe,
      headless: true,
      userDataDir: profile,
      timeout: 60_000,
      args: CHROMIUM_FLAGS,
    }),
  );
});

test("Firefox ESR (SpiderMonkey): a page on 127.0.0.1 imports cnfguard/core and opens the config", { timeout: 180_000 }, async (t) => {
  const exe = "/usr/bin/firefox-esr";
  if (!existsSync(exe)) return t.skip(`${exe} not installed: apt-get install firefox-esr (CI installs it in .ci/run)`);
  await inBrowser(t, "firefox", (launch, profile) =>
    launch({ browser: "firefox", executablePath: exe, headless: true, userDataDir: profile, timeout: 60_000 }),
  );
});
