// The admin pages' security, by plain HTTPS requests (the tomcat certificate trusted as the CA):
// every page needs a session; a form without the session's CSRF token changes nothing; user data
// renders as text; failed logins are limited; the SQL page refuses writes; cookies are strict;
// `server init` stores the administrator's password as an scrypt hash.
// Once per engine: a SQLite folder, then one on a throwaway PostgreSQL (test/helpers/engines.ts).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { repoRoot } from "../host/paths.js";
import { checkLogin } from "../host/server/admin/adminAccount.js";
import { ROUTES } from "../host/server/admin/adminService.js";
import { openDatabase } from "../host/server/database.js";
import { addDevice, findDevice } from "../host/server/deviceStore.js";
import { findProfile } from "../host/server/profileStore.js";
import { runReadOnlyQuery } from "../host/server/sqlQuery.js";
import { type AdminClient, adminClient, cookieOf, hiddenToken, profileFields } from "./helpers/adminClient.js";
import { ENGINES } from "./helpers/engines.js";
import { type LabServer, labServer } from "./helpers/serverFixtures.js";

for (const engine of ENGINES) {
  describe(engine.name, { skip: engine.skip }, () => {
    let lab: LabServer;
    let client: AdminClient;
    let beforeLimiter: { cookie: string; csrf: string };

    before(async () => {
      lab = await labServer({ enc: { tftpencryptedconfig: true } }, {}, { admin: { maxLoginFailures: 3 }, database: await engine.newDatabaseUrl() });
      client = adminClient(lab);
      beforeLimiter = await session();
    });
    after(() => lab.close());

    const request = (method: string, path: string, o: { cookie?: string; form?: Record<string, string> } = {}) => client.request(method, path, o);
    const loginAttempt = (password: string) => client.loginAttempt(password);
    const session = () => client.session();

    test("every page without a session (or with an unknown one) redirects to the login page", async () => {
      const routes = [...Object.keys(ROUTES), "GET /", "POST /logout", "GET /nosuchpage"];
      for (const route of routes) {
        const [method, path] = route.split(" ");
        for (const cookie of [undefined, "cnfguard_session=forged"]) {
          const r = await request(method, path, { cookie, form: method === "POST" ? { csrf: "x" } : undefined });
          assert.equal(r.status, 303, `${route} answered ${r.status}`);
          assert.equal(r.headers.location, "/login", route);
        }
      }
      const login = await request("GET", "/login");
      assert.equal(login.status, 200);
      assert.match(login.body, /<label for="username">User Name<\/label>/);
    });

    test("the session cookie is HttpOnly, Secure, SameSite=Strict and expires; every page sends a strict CSP", async () => {
      const ok = await loginAttempt(lab.admin!.password);
      const line = ([] as string[]).concat(ok.headers["set-cookie"] ?? []).find((c) => c.startsWith("cnfguard_session="))!;
      for (const attribute of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"]) assert.ok(line.includes(attribute), `${attribute} in ${line}`);
      assert.match(line, /Max-Age=\d+/);
      const { cookie } = await session();
      for (const path of ["/phone", "/phonesecurityprofile", "/reports", "/sql", "/troubleshooting", "/login"]) {
        const r = await request("GET", path, { cookie });
        assert.equal(r.status, 200, path);
        const csp = String(r.headers["content-security-policy"]);
        assert.match(csp, /default-src 'none'/, path);
        assert.doesNotMatch(csp, /script-src|unsafe/, `${path}: no script allowed at all`);
        assert.doesNotMatch(r.body, /<script/i, `${path} has no script`);
      }
    });

    test("a form posted without, or with a wrong, CSRF token changes nothing", async () => {
      const { cookie, csrf } = await session();
      const profile = profileFields("csrf-probe", { original: "" });
      for (const token of [undefined, "wrong", `${csrf}x`]) {
        const form = token === undefined ? profile : { ...profile, csrf: token };
        const r = await request("POST", "/phonesecurityprofile/save", { cookie, form });
        assert.equal(r.status, 403, r.body);
        assert.match(r.body, /CSRF token/);
        assert.equal(findProfile(lab.db, "csrf-probe"), undefined);
        const phone = await request("POST", "/phone/save", {
          cookie,
          form: { devicename: "SEP0000000C5F01", profile: "enc", certificateoperation: "install", ...(token ? { csrf: token } : {}) },
        });
        assert.equal(phone.status, 403);
        assert.equal(findDevice(lab.db, "SEP0000000C5F01"), undefined);
      }
      const logout = await request("POST", "/logout", { cookie, form: { csrf: "wrong" } });
      assert.equal(logout.status, 403, "a forged logout does not end the session");
      const good = await request("POST", "/phonesecurityprofile/save", { cookie, form: { ...profile, csrf } });
      assert.equal(good.status, 303, "the same form with the session's token is saved");
      assert.equal(findProfile(lab.db, "csrf-probe")?.producttype, "Cisco 7942");
      const noLoginToken = await request("POST", "/login", { form: { username: lab.admin!.user, password: lab.admin!.password } });
      assert.equal(noLoginToken.status, 403);
      assert.equal(cookieOf(noLoginToken, "cnfguard_session"), undefined);
    });

    test("a device description holding <script> renders as text on every page that shows it", async () => {
      const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
      addDevice(lab.db, "SEP0000000C5F02", { profile: "enc", description: evil });
      const { cookie } = await session();
      for (const path of ["/phone", "/phone/edit?name=SEP0000000C5F02", "/phone?search=script"]) {
        const r = await request("GET", path, { cookie });
        assert.equal(r.status, 200, path);
        assert.ok(!r.body.includes("<script>") && !r.body.includes("<img"), `${path} holds the markup unescaped`);
        assert.ok(r.body.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), `${path} shows it as text`);
      }
      const sql = await request("POST", "/sql", {
        cookie,
        form: { csrf: hiddenToken((await request("GET", "/sql", { cookie })).body), query: "select description from device where name = 'SEP0000000C5F02'" },
      });
      assert.ok(!sql.body.includes("<script>") && sql.body.includes("&lt;script&gt;"));
    });

    test("the login limiter engages after 3 failures from one address, with a clear message, even for the right password", async () => {
      for (let i = 0; i < 3; i++) {
        const r = await loginAttempt("not-the-password");
        assert.equal(r.status, 401);
        assert.match(r.body, /Wrong user name or password/);
      }
      const blocked = await loginAttempt(lab.admin!.password);
      assert.equal(blocked.status, 429);
      assert.match(blocked.body, /Too many failed logins from 127\.0\.0\.1: try again in \d+ minutes?/);
      assert.equal(cookieOf(blocked, "cnfguard_session"), undefined);
    });

    test("the SQL page runs the read-only query of 'cnfguard sql' and refuses writes", async () => {
      const { cookie, csrf } = beforeLimiter; // the limiter test has blocked this address for logins
      const select = await request("POST", "/sql", { cookie, form: { csrf, query: "select name from phonesecurityprofile order by name" } });
      assert.equal(select.status, 200);
      for (const [name] of runReadOnlyQuery(lab.dir, "select name from phonesecurityprofile order by name").rows)
        assert.ok(select.body.includes(`<td>${name}</td>`));
      for (const write of ["delete from phonesecurityprofile", "update device set md5hash = 'x'", "drop table device"]) {
        const r = await request("POST", "/sql", { cookie, form: { csrf, query: write } });
        assert.equal(r.status, 400, write);
        assert.match(r.body, /read-only|readonly/, write);
      }
      assert.ok(findProfile(lab.db, "enc"), "nothing was deleted");
    });

    test("server init: --admin-password-file's trailing newline is ignored, the password stored as scrypt; otherwise one is generated", async (t) => {
      const tmp = mkdtempSync(join(tmpdir(), "cnfguard-admininit-"));
      t.after(() => rmSync(tmp, { recursive: true, force: true }));
      writeFileSync(join(tmp, "pw"), "correct horse battery\n");
      const run = (...args: string[]) =>
        new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
          execFile(process.execPath, [join(repoRoot, "bin", "cnfguard"), ...args], { timeout: 60_000 }, (e, stdout, stderr) =>
            resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
          ),
        );
      // on this engine: a PostgreSQL folder keeps the administrator in its (new, empty) database
      const database = async () => {
        const url = await engine.newDatabaseUrl();
        return url === undefined ? [] : ["--database", url];
      };
      const given = await run(
        "server",
        "init",
        "--data",
        join(tmp, "a"),
        ...(await database()),
        "--admin-user",
        "ccmadmin",
        "--admin-password-file",
        join(tmp, "pw"),
        "--json",
      );
      assert.equal(given.code, 0, given.stderr);
      assert.deepEqual(JSON.parse(given.stdout).admin, { user: "ccmadmin" });
      const a = openDatabase(join(tmp, "a"));
      const row = a.prepare("SELECT passwordhash FROM adminuser WHERE name = 'ccmadmin'").get() as { passwordhash: string };
      assert.match(row.passwordhash, /^scrypt\$32768\$8\$1\$/);
      assert.ok(!row.passwordhash.includes("correct horse"));
      assert.equal(await checkLogin(a, "ccmadmin", "correct horse battery"), true);
      assert.equal(await checkLogin(a, "ccmadmin", "correct horse battery\n"), false);
      a.close();
      const generated = await run("server", "init", "--data", join(tmp, "b"), ...(await database()));
      assert.equal(generated.code, 0, generated.stderr);
      const password = /administrator admin, password (\S+) \(shown only this once/.exec(generated.stdout)?.[1];
      assert.ok(password && password.length >= 16, generated.stdout);
      const b = openDatabase(join(tmp, "b"));
      assert.equal(await checkLogin(b, "admin", password), true);
      b.close();
      const bad = await run("server", "init", "--data", join(tmp, "c"), "--admin-password-file", join(tmp, "nope"));
      assert.equal(bad.code, 3);
      assert.match(bad.stderr, /--admin-password-file .*nope: cannot read/);
    });
  });
}
