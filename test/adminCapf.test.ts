// The phone page wired to the CAPF lifecycle, by plain HTTPS requests checked against the store
// and against the CLI run as a child process (the independent side): Operation Completes By is
// edited, refused and shown as `device capf --until` does; Certificate Operation Status shows
// every status of host/shared/capfStatus.ts with its time; Add New takes every device class and
// refuses a bad name with `device add`'s own message; the Reports page's rows are the rows of
// `cnfguard report lsc|capf|cert-hash --json` on the same database.
// Once per engine: a SQLite folder, then one on a throwaway PostgreSQL (test/helpers/engines.ts).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { findDevice, setCapfOperation } from "../host/server/deviceStore.js";
import { REPORT_COLUMNS, REPORT_NAMES, type ReportRow } from "../host/server/reports.js";
import { cellText } from "../host/server/textTable.js";
import { CERTIFICATE_OPERATION_STATUSES, DEFAULT_OPERATION_DAYS, GENERATED_AUTH_STRING_DIGITS } from "../host/shared/capfStatus.js";
import { DEVICE_CLASSES } from "../host/shared/deviceNames.js";
import { inputValue, signedInLab } from "./helpers/adminClient.js";
import { cnfguardCli } from "./helpers/cliRun.js";
import { ENGINES } from "./helpers/engines.js";
import { addNamedDevice, addPhone, nextMac } from "./helpers/phoneFixtures.js";
import { enrol, labServer } from "./helpers/serverFixtures.js";

for (const engine of ENGINES) {
  describe(engine.name, { skip: engine.skip }, () => {
    const admin = signedInLab(async () =>
      labServer({ plain: {}, other: { description: "for Jabber" } }, {}, { admin: {}, database: await engine.newDatabaseUrl() }),
    );
    const { post, get } = admin;

    /** The device form as a browser posts it (Add New when original is empty). */
    function deviceForm(name: string, o: Record<string, string> = {}): Record<string, string> {
      return {
        original: "",
        devicename: name,
        description: "desk",
        profile: "plain",
        certificateoperation: "install",
        capfauthmode: "null",
        authenticationstring: "",
        keyorder: "rsa",
        keysize: "2048",
        eckeysize: "secp256r1",
        operationcompletesby: "",
        action: "save",
        ...o,
      };
    }

    /** Text of an HTML fragment: tags dropped, entities decoded, blanks collapsed. */
    function text(html: string): string {
      return html
        .replace(/<[^>]*>/g, " ")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, "&")
        .replace(/\s+/g, " ")
        .trim();
    }

    /** The body rows of the first table after `marker`, each as its cells' text. */
    function tableRows(html: string, marker: string): string[][] {
      const start = html.indexOf(marker);
      assert.ok(start >= 0, `${marker} is on the page`);
      const body = html.slice(start).split("<tbody>")[1].split("</tbody>")[0];
      return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => text(c[1])));
    }

    test("Operation Completes By: set on the form, stored as `device capf --until` stores it, shown in the record and the list", async () => {
      const device = `SEP${nextMac()}`;
      const saved = await post("/phone/save", deviceForm(device, { operationcompletesby: "2031-02-03T04:05:06" }));
      assert.equal(saved.status, 303, saved.body);
      assert.equal(findDevice(admin.lab.db, device)?.capfoperationdeadline, "2031-02-03T04:05:06.000Z", "the page's time is UTC");
      const record = await get(saved.headers.location as string);
      assert.match(record.body, /<dt>Operation Completes By<\/dt><dd>2031-02-03T04:05:06\.000Z<\/dd>/);
      assert.equal(inputValue(record.body, "operationcompletesby"), "2031-02-03T04:05:06");
      const row = tableRows((await get(`/phone?search=${device}`)).body, "<table")[0];
      assert.ok(row.includes("2031-02-03T04:05:06.000Z"), row.join(" | "));

      // The CLI given the same time stores the same deadline (the one check behind both).
      const cliDevice = `SEP${nextMac()}`;
      addNamedDevice(admin.lab, cliDevice, "plain", { operation: "none" });
      const cli = await cnfguardCli("device", "capf", cliDevice, "install", "--until", "2031-02-03T04:05:06Z", "--data", admin.lab.dir, "--json");
      assert.equal(cli.code, 0, cli.stderr);
      assert.equal(findDevice(admin.lab.db, cliDevice)?.capfoperationdeadline, findDevice(admin.lab.db, device)?.capfoperationdeadline);

      // Saving only a new description keeps the schedule (deadline and status time) as it was.
      const before = findDevice(admin.lab.db, device)!;
      const edit = await post("/phone/save", deviceForm(device, { original: device, description: "moved", operationcompletesby: "2031-02-03T04:05:06" }));
      assert.equal(edit.status, 303, edit.body);
      const afterEdit = findDevice(admin.lab.db, device)!;
      assert.equal(afterEdit.description, "moved");
      assert.equal(afterEdit.capfoperationdeadline, before.capfoperationdeadline);
      assert.equal(afterEdit.certificateoperationstatusat, before.certificateoperationstatusat);
    });

    test("Operation Completes By: empty is the CLI's default; a past time is refused with the CLI's message and nothing is saved", async () => {
      const device = `SEP${nextMac()}`;
      const started = Date.now();
      assert.equal((await post("/phone/save", deviceForm(device))).status, 303);
      const deadline = Date.parse(findDevice(admin.lab.db, device)!.capfoperationdeadline!);
      const expected = started + DEFAULT_OPERATION_DAYS * 86_400_000;
      assert.ok(deadline >= expected - 1000 && deadline <= Date.now() + DEFAULT_OPERATION_DAYS * 86_400_000, `${new Date(deadline).toISOString()}`);

      const past = await post("/phone/save", deviceForm(device, { original: device, operationcompletesby: "2001-01-01T00:00:00" }));
      assert.equal(past.status, 400);
      const cli = await cnfguardCli("device", "capf", device, "install", "--until", "2001-01-01T00:00:00Z", "--data", admin.lab.dir);
      assert.equal(cli.code, 2);
      const words = (s: string) => /that time has passed — give a time in the future/.exec(s)?.[0];
      assert.ok(words(cli.stderr), cli.stderr);
      assert.equal(words(text(past.body)), words(cli.stderr), "the same refusal");
      assert.match(text(past.body), /Operation Completes By 2001-01-01T00:00:00Z: that time has passed/);
      assert.equal(Date.parse(findDevice(admin.lab.db, device)!.capfoperationdeadline!), deadline, "the refused Save changed nothing");

      const bad = await post("/phone/save", deviceForm(device, { original: device, operationcompletesby: "next tuesday" }));
      assert.equal(bad.status, 400);
      assert.match(text(bad.body), /Operation Completes By 'next tuesday': give a time in ISO 8601 with its zone/);
    });

    test("Certificate Operation Status shows every status of capfStatus.ts in CUCM's words with its time, read-only", async () => {
      const device = addPhone(admin.lab, nextMac(), "plain", { operation: "none" });
      const set = admin.lab.db.prepare(
        "UPDATE device SET certificateoperationstatus = ?, certificateoperationstatusat = ?, capfoperation = ?, capfoperationdeadline = ? WHERE name = ?",
      );
      for (const [i, s] of CERTIFICATE_OPERATION_STATUSES.entries()) {
        const at = new Date(Date.UTC(2026, 11, 1, 10, i)).toISOString();
        // a pending operation needs a deadline ahead (past it, the status is Operation Timed Out)
        const pending = s.id === "operationPending";
        set.run(s.id, at, pending ? "install" : "none", pending ? "2099-01-01T00:00:00.000Z" : null, device);
        const shown = `${s.label} (${at})`;
        const form = await get(`/phone/edit?name=${device}`);
        assert.equal(inputValue(form.body, "certificateoperationstatus"), shown, s.id);
        assert.match(form.body, /id="certificateoperationstatus"[^>]* readonly/, "read-only");
        const row = tableRows((await get(`/phone?search=${device}`)).body, "<table")[0];
        assert.equal(row.at(-1), shown, s.id);
      }
      // A pending operation past its deadline is shown timed out at that deadline, as `device show` reports it.
      set.run("operationPending", "2026-01-01T00:00:00.000Z", "install", "2026-01-02T00:00:00.000Z", device);
      const form = await get(`/phone/edit?name=${device}`);
      assert.equal(inputValue(form.body, "certificateoperationstatus"), "Operation Timed Out (2026-01-02T00:00:00.000Z)");
      const cli = JSON.parse((await cnfguardCli("device", "show", device, "--data", admin.lab.dir, "--json")).stdout);
      assert.equal(cli[0].certificateOperationStatus, "operationTimedOut");
    });

    test("Add New takes a device of every class with any profile; a bad name is refused with `device add`'s message", async () => {
      for (const c of DEVICE_CLASSES) {
        const name = c.byMac ? `${c.prefix}${nextMac()}` : `${c.prefix}W${nextMac().slice(-6)}`;
        const r = await post("/phone/save", deviceForm(name, { profile: "other", certificateoperation: "none" }));
        assert.equal(r.status, 303, `${name}: ${text(r.body).slice(0, 300)}`);
        assert.equal(findDevice(admin.lab.db, name)?.profile.name, "other", name);
      }
      // Typed as `device add` takes it: a name in any case, a MAC in any spelling.
      const mac = nextMac();
      for (const typed of [`csfw${mac.slice(-6).toLowerCase()}`, mac.replace(/(..)(?!$)/g, "$1:").toLowerCase()]) {
        const r = await post("/phone/save", deviceForm(typed, { certificateoperation: "none" }));
        assert.equal(r.status, 303, `${typed}: ${text(r.body).slice(0, 300)}`);
        const cli = await cnfguardCli("device", "show", typed, "--data", admin.lab.dir, "--json");
        assert.equal(cli.code, 0, cli.stderr);
        assert.equal(decodeURIComponent(String(r.headers.location)), `/phone/edit?name=${JSON.parse(cli.stdout)[0].name}&saved=1`, typed);
      }
      for (const bad of ["CSF", "SEP12345", "XYZ000000000001", "ATA00778DA1C43G"]) {
        const r = await post("/phone/save", deviceForm(bad));
        assert.equal(r.status, 400, bad);
        const cli = await cnfguardCli("device", "add", bad, "--profile", "plain", "--data", admin.lab.dir);
        assert.equal(cli.code, 2, bad);
        const message = cli.stderr.split("\n")[0].replace(/^cnfguard device: /, "");
        assert.ok(text(r.body).includes(message), `${bad}: the page says what 'device add' says: ${message}`);
        assert.equal(findDevice(admin.lab.db, bad), undefined);
      }
      // An existing device is found in any case, as `device show` finds it.
      const jabber = `CSFW${nextMac().slice(-6)}`;
      addNamedDevice(admin.lab, jabber, "plain", { operation: "none" });
      const found = await get(`/phone/edit?name=${jabber.toLowerCase()}`);
      assert.equal(found.status, 200);
      assert.equal(inputValue(found.body, "devicename"), jabber);
    });

    test("Generate String: the CLI's generator (8 digits), By Authentication String, used until Operation Completes By", async () => {
      const device = `TCTW${nextMac().slice(-6)}`;
      const r = await post("/phone/save", deviceForm(device, { action: "generate", operationcompletesby: "2031-05-06T07:08:09" }));
      assert.equal(r.status, 200);
      const digits = inputValue(r.body, "authenticationstring")!;
      assert.match(digits, new RegExp(`^[0-9]{${GENERATED_AUTH_STRING_DIGITS}}$`));
      assert.ok(GENERATED_AUTH_STRING_DIGITS >= 4 && GENERATED_AUTH_STRING_DIGITS <= 10, "CUCM: 4–10 digits");
      assert.match(r.body, /<option value="string" selected>By Authentication String<\/option>/);
      assert.match(text(r.body), /before 2031-05-06 07:08:09 UTC \(Operation Completes By\)/);
      assert.equal(findDevice(admin.lab.db, device), undefined, "Generate String saves nothing");
      const saved = await post(
        "/phone/save",
        deviceForm(device, { capfauthmode: "string", authenticationstring: digits, operationcompletesby: "2031-05-06T07:08:09" }),
      );
      assert.equal(saved.status, 303, text(saved.body));
      const d = findDevice(admin.lab.db, device)!;
      assert.deepEqual([d.authenticationstring, d.capfauthmode, d.capfoperationdeadline], [digits, "string", "2031-05-06T07:08:09.000Z"]);
      const cli = await cnfguardCli("device", "capf", device, "install", "--auth-string", "generate", "--data", admin.lab.dir, "--json");
      assert.match(JSON.parse(cli.stdout)[0].authenticationstring, new RegExp(`^[0-9]{${GENERATED_AUTH_STRING_DIGITS}}$`), "the CLI's has the same form");
    });

    test("the Reports page's rows are the rows of `cnfguard report lsc|capf|cert-hash --json` on the same database", async () => {
      const enrolled = addPhone(admin.lab, nextMac(), "plain", { operation: "none" });
      enrol(admin.lab, enrolled);
      const mismatched = addPhone(admin.lab, nextMac(), "plain", { operation: "fetch" });
      enrol(admin.lab, mismatched);
      admin.lab.db.prepare("UPDATE device SET md5hash = '00000000000000000000000000000000' WHERE name = ?").run(mismatched);
      setCapfOperation(admin.lab.db, addPhone(admin.lab, nextMac(), "plain", { operation: "none" }), { operation: "delete", until: "2030-01-01T00:00:00Z" });
      admin.lab.db.prepare("INSERT INTO capfunknowndevice (name, lastseen, sessions) VALUES ('SEP0000DEADBEEF', '2026-11-30T12:00:00.000Z', 3)").run();

      const page = (await get("/reports")).body;
      for (const name of REPORT_NAMES) {
        const cli = await cnfguardCli("report", name, "--json", "--data", admin.lab.dir);
        assert.ok(cli.code === 0 || (name === "cert-hash" && cli.code === 1), cli.stderr);
        const rows = JSON.parse(cli.stdout) as ReportRow[];
        assert.ok(rows.length > 0, `${name} has rows to compare`);
        const expected = rows.map((row) => REPORT_COLUMNS[name].map((c) => cellText(row[c] ?? null)));
        const shown = tableRows(page, `id="report-${name}"`);
        const columns = [
          ...page
            .slice(page.indexOf(`id="report-${name}"`))
            .split("</thead>")[0]
            .matchAll(/<th scope="col">([^<]*)<\/th>/g),
        ].map((m) => m[1]);
        assert.deepEqual(columns, [...REPORT_COLUMNS[name]], name);
        assert.deepEqual(shown, expected, name);
      }
      assert.ok(text(page).includes(mismatched), "the cert-hash report names the mismatched row");
    });
  });
}
