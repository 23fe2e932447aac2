// The admin pages' forms by plain HTTPS requests, checked against the stores and the files the
// server serves: a page change takes effect on the served file as the CLI's does; Copy fills the
// Add New form; Delete refuses a profile in use and removes one that is not; Generate String
// makes an authentication string the CAPF session then requires; the phone list pages.
// Once per engine: a SQLite folder, then one on a throwaway PostgreSQL (test/helpers/engines.ts).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { repoRoot } from "../host/paths.js";
import { PAGE_SIZE } from "../host/server/admin/phonePages.js";
import { findDevice } from "../host/server/deviceStore.js";
import { findProfile } from "../host/server/profileStore.js";
import { inputValue, profileFields, signedInLab } from "./helpers/adminClient.js";
import { ENGINES } from "./helpers/engines.js";
import { addPhone, boot, nextMac, scratchDir } from "./helpers/phoneFixtures.js";
import { httpFile, labServer, signedBody } from "./helpers/serverFixtures.js";

for (const engine of ENGINES) {
  describe(engine.name, { skip: engine.skip }, () => {
    const admin = signedInLab(async () =>
      labServer({ plain: { tftpencryptedconfig: false }, spare: { description: "unused" } }, {}, { admin: {}, database: await engine.newDatabaseUrl() }),
    );
    const { post, get } = admin;

    test("ticking TFTP Encrypted Config on the page turns the served config into a partial one, as the CLI does", async () => {
      const device = addPhone(admin.lab, nextMac(), "plain", { operation: "none" });
      assert.match(signedBody((await httpFile(admin.lab, `${device}.cnf.xml.sgn`))!), /<fullConfig>true<\/fullConfig>/);
      const saved = await post("/phonesecurityprofile/save", profileFields("plain", { tftpencryptedconfig: "on" }));
      assert.equal(saved.status, 303);
      assert.equal(saved.headers.location, "/phonesecurityprofile/edit?name=plain&saved=1");
      const shown = await get(saved.headers.location as string);
      assert.match(shown.body, /<dt>TFTP Encrypted Config<\/dt><dd>Yes<\/dd>/, "Save lands on the record as text");
      await admin.lab.server.whenBuilt();
      await new Promise((r) => setTimeout(r, 300)); // the build layer polls its change log every 200 ms
      const served = signedBody((await httpFile(admin.lab, `${device}.cnf.xml.sgn`))!);
      assert.match(served, /<fullConfig>false<\/fullConfig>/);
      assert.match(served, /<encrConfig>true<\/encrConfig>/);
    });

    test("Copy opens Add New filled in; Delete refuses a profile in use and deletes one that is not", async () => {
      const copy = await post("/phonesecurityprofile/copy", profileFields("plain", { tftpencryptedconfig: "on", signinghash: "sha512" }));
      assert.equal(copy.status, 200);
      assert.equal(inputValue(copy.body, "name"), "Copy of plain");
      assert.match(copy.body, /<option value="sha512" selected>SHA-512<\/option>/);
      assert.equal(findProfile(admin.lab.db, "Copy of plain"), undefined, "a copy is saved only by Save");
      const inUse = await post("/phonesecurityprofile/delete", { original: "plain" });
      assert.equal(inUse.status, 400);
      assert.match(inUse.body, /security profile of \d+ device/);
      assert.ok(findProfile(admin.lab.db, "plain"));
      const gone = await post("/phonesecurityprofile/delete", { original: "spare" });
      assert.equal(gone.status, 303);
      assert.equal(findProfile(admin.lab.db, "spare"), undefined);
    });

    test("Generate String fills an 8-digit string; saved By Authentication String, CAPF then asks the phone for it", async (t) => {
      const mac = nextMac();
      const device = `SEP${mac}`;
      const form = {
        original: "",
        devicename: device,
        description: "desk",
        profile: "plain",
        certificateoperation: "install",
        capfauthmode: "string",
        authenticationstring: "",
        keyorder: "rsa",
        keysize: "2048",
        eckeysize: "secp256r1",
      };
      const generated = await post("/phone/save", { ...form, action: "generate" });
      assert.equal(generated.status, 200);
      const digits = inputValue(generated.body, "authenticationstring")!;
      assert.match(digits, /^[0-9]{8}$/);
      assert.equal(findDevice(admin.lab.db, device), undefined, "Generate String saves nothing");
      const saved = await post("/phone/save", { ...form, authenticationstring: digits, action: "save" });
      assert.equal(saved.status, 303, saved.body);
      const stored = findDevice(admin.lab.db, device)!;
      assert.equal(stored.capfauthmode, "string");
      assert.equal(stored.authenticationstring, digits);
      assert.equal(stored.capfoperation, "install");
      admin.lab.db.prepare("UPDATE phonesecurityprofile SET tftpencryptedconfig = 1 WHERE name = 'plain'").run();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await boot(admin.lab, mac, scratchDir(t), { authString: "00000000" })).ok, false, "a wrong string is refused");
      assert.equal((await boot(admin.lab, mac, scratchDir(t), { authString: digits })).ok, true);
    });

    test("the phone list shows every device, paged, before any search; the search finds by name or description", async () => {
      const before = (await get("/phone")).body;
      const total = Number(/of (\d+) devices/.exec(before)?.[1]);
      for (let i = 0; i < PAGE_SIZE + 2 - total; i++) addPhone(admin.lab, nextMac(), "plain", { operation: "none" });
      const first = await get("/phone");
      const count = Number(/of (\d+) devices/.exec(first.body)?.[1]);
      assert.ok(count >= PAGE_SIZE + 2);
      assert.equal((first.body.match(/<tr><td><a href="\/phone\/edit/g) ?? []).length, PAGE_SIZE);
      assert.match(first.body, /href="\/phone\?search=&amp;page=2">Next</);
      const second = await get("/phone?search=&page=2");
      assert.equal((second.body.match(/<tr><td><a href="\/phone\/edit/g) ?? []).length, count - PAGE_SIZE);
      const found = await get("/phone?search=desk");
      assert.equal((found.body.match(/<tr><td><a href="\/phone\/edit/g) ?? []).length, 1);
    });

    test("a profile's Description set by 'cnfguard profile edit' shows on the page: one store for both", async () => {
      const code = await new Promise<number>((resolve) =>
        execFile(
          process.execPath,
          [join(repoRoot, "bin", "cnfguard"), "profile", "edit", "plain", "--description", "set from the CLI", "--data", admin.lab.dir],
          { timeout: 60_000 },
          (e) => resolve(e ? ((e as { code?: number }).code ?? 1) : 0),
        ),
      );
      assert.equal(code, 0);
      const list = await get("/phonesecurityprofile?search=from+the+CLI");
      assert.match(list.body, /<td>set from the CLI<\/td>/);
    });
  });
}
