// The admin pages in a real browser (Debian's Chromium): log in, add a profile with TFTP
// Encrypted Config through the form, add a device with it and schedule a CAPF install; a phone
// then boots on loopback to a verified encrypted config; the device page shows the md5hash
// (oracle: node:crypto's MD5 of the phone's LSC) and the troubleshooting page shows the
// partial-config fetch, the CAPF session and the encrypted-config fetch in that order. Then the
// login and profile flow again in Debian's Firefox ESR (puppeteer-core over WebDriver BiDi).
// Once per engine (test/helpers/engines.ts): the whole Chromium flow on SQLite and on PostgreSQL;
// the Firefox and label checks, which read only the pages' markup, on SQLite.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { findDevice } from "../host/server/deviceStore.js";
import { addProfile, findProfile, listProfiles } from "../host/server/profileStore.js";
import { browserMissing, launchChromium, launchFirefox } from "./helpers/browser.js";
import { ENGINES, type EngineCase } from "./helpers/engines.js";
import { addPhone, boot, md5, scratchDir } from "./helpers/phoneFixtures.js";
import { type LabServer, labServer } from "./helpers/serverFixtures.js";

const missing = browserMissing();
/** the pages' markup is the same whatever the engine: checked once */
const markupOnly = (engine: EngineCase) => missing || (engine.name === "postgres" && "reads only the pages' markup, the same on every engine: run on SQLite");

for (const engine of ENGINES) {
  describe(engine.name, { skip: engine.skip }, () => {
    let lab: LabServer;
    let browser: Browser;

    before(async () => {
      if (missing) return;
      lab = await labServer({}, {}, { admin: {}, database: await engine.newDatabaseUrl() });
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await lab?.close();
    });

    async function loggedIn(): Promise<Page> {
      const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${lab.admin!.url}/phone`);
      assert.match(page.url(), /\/login$/, "a page without a session redirects to the login");
      await page.getByLabel("User Name").fill(lab.admin!.user);
      await page.getByLabel("Password").fill(lab.admin!.password);
      await page.getByRole("button", { name: "Login" }).click();
      await page.waitForURL(/\/phone$/);
      return page;
    }

    test("profile and device through the forms, a phone boots to its encrypted config, the pages show the evidence", { skip: missing }, async (t) => {
      const page = await loggedIn();
      const mac = "A45630BBFA40";
      const device = `SEP${mac}`;

      await page.getByRole("link", { name: "Phone Security Profile", exact: true }).click();
      await page.getByRole("link", { name: "Add New" }).click();
      await page.getByLabel("Name", { exact: true }).fill("Cisco 7942 - Encrypted Config");
      await page.getByLabel("Description").fill("encrypted configs for the lab");
      await page.getByLabel("TFTP Encrypted Config").check();
      await page.getByLabel("Authentication Mode").selectOption({ label: "By Null String" });
      await page.getByLabel("Key Size (Bits)", { exact: true }).selectOption({ label: "2048" });
      await page.getByRole("button", { name: "Save" }).click();
      const saved = page.getByRole("region", { name: "Saved" });
      await saved.waitFor();
      assert.match(await saved.innerText(), /TFTP Encrypted Config\s+Yes/);
      const profile = findProfile(lab.db, "Cisco 7942 - Encrypted Config");
      assert.equal(profile?.tftpencryptedconfig, true, "the store has it, as 'profile add --tftp-encrypted-config' would");

      await page.getByRole("link", { name: "Phone", exact: true }).click();
      await page.getByRole("link", { name: "Add New" }).click();
      await page.getByLabel("Device Name").fill(device);
      await page.getByLabel("Description").fill("lobby phone");
      await page.getByLabel("Device Security Profile").selectOption({ label: "Cisco 7942 - Encrypted Config" });
      await page.getByLabel("Certificate Operation", { exact: true }).selectOption({ label: "Install/Upgrade" });
      const completesBy = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 19);
      await page.getByLabel("Operation Completes By").fill(completesBy);
      await page.getByRole("button", { name: "Save" }).click();
      const savedDevice = page.getByRole("region", { name: "Saved" });
      await savedDevice.waitFor();
      const deviceRecord = await savedDevice.innerText();
      assert.match(deviceRecord, new RegExp(`Operation Completes By\\s+${completesBy}\\.000Z`));
      assert.match(deviceRecord, /Certificate Operation Status\s+Operation Pending \(/);
      assert.equal(findDevice(lab.db, device)?.capfoperation, "install");
      assert.equal(findDevice(lab.db, device)?.capfoperationdeadline, `${completesBy}.000Z`, "as 'device capf --until' stores it");

      const state = scratchDir(t);
      const r = await boot(lab, mac, state);
      assert.equal(r.ok, true, JSON.stringify(r.failure));
      const lscHash = md5(new X509Certificate(readFileSync(join(state, "lsc.pem"))).raw);

      await page.getByRole("link", { name: "Phone", exact: true }).click();
      const row = page.getByRole("row", { name: new RegExp(device) });
      assert.match(await row.innerText(), new RegExp(lscHash));
      await page.getByRole("link", { name: device }).click();
      assert.equal(await page.getByLabel("Certificate MD5 (md5hash)").inputValue(), lscHash);
      assert.equal(await page.getByLabel("Certificate Operation", { exact: true }).inputValue(), "none", "the install is done");
      const status = await page.getByLabel("Certificate Operation Status").inputValue();
      const recorded = findDevice(lab.db, device)!;
      assert.equal(recorded.certificateOperationStatus, "upgradeSuccess");
      assert.equal(status, `Upgrade Success (${recorded.certificateoperationstatusat})`, "CUCM's words and when");

      await page.getByRole("link", { name: "Troubleshooting" }).click();
      await page.getByRole("link", { name: device }).click();
      const checks = await page.locator(".checks").innerText();
      assert.match(checks, /OK CAPF service up and listening/);
      assert.match(checks, /OK Advertised CAPF address and port/);
      assert.match(checks, new RegExp(`OK Stored md5hash.*${lscHash}`));
      const timeline = await page.locator(".timeline > li").allInnerTexts();
      const at = (re: RegExp) => timeline.findIndex((line) => re.test(line));
      const partial = at(new RegExp(`${device}\\.cnf\\.xml\\.sgn served`));
      const session = at(/CAPF session completed/);
      const encrypted = at(new RegExp(`${device}\\.cnf\\.xml\\.enc\\.sgn served`));
      assert.ok(partial >= 0 && partial < session && session < encrypted, timeline.join("\n"));
      await page.context().close();
    });

    test("Firefox ESR: log in, add a profile with TFTP Encrypted Config through the form, Save shows it", { skip: markupOnly(engine) }, async (t) => {
      const profileDir = mkdtempSync(join(tmpdir(), "cnfguard-firefox-"));
      t.after(() => rmSync(profileDir, { recursive: true, force: true }));
      const launched = await launchFirefox(profileDir);
      if ("skipped" in launched) return t.skip(launched.skipped);
      const firefox = launched.browser;
      t.after(() => firefox.close());
      t.diagnostic(`browser: ${await firefox.version()}`);
      const page = await firefox.newPage();
      await page.setViewport({ width: 1280, height: 900 });
      // Controls are found by their labels' text (the interface), links and buttons by their names.
      const control = async (label: string) => {
        const id = await page.evaluate((l) => [...document.querySelectorAll("label")].find((e) => e.textContent?.trim() === l)?.htmlFor, label);
        assert.ok(id, `a control labelled ${label}`);
        return `#${id}`;
      };
      const follow = async (selector: string, name: string) => {
        const target = await page.evaluateHandle(
          (s, n) => [...document.querySelectorAll<HTMLElement>(s)].find((e) => e.textContent?.trim() === n),
          selector,
          name,
        );
        const element = target.asElement() as import("puppeteer-core").ElementHandle<HTMLElement> | null;
        assert.ok(element, `${selector} named ${name}`);
        await Promise.all([page.waitForNavigation({ timeout: 30_000 }), element.click()]);
      };
      const selectLabel = async (label: string, option: string) => {
        const selector = await control(label);
        const value = await page.$eval(selector, (e, o) => [...(e as HTMLSelectElement).options].find((x) => x.text === o)?.value, option);
        assert.ok(value !== undefined, `${label} offers ${option}`);
        await page.select(selector, value);
      };

      await page.goto(`${lab.admin!.url}/phonesecurityprofile`, { timeout: 30_000 });
      assert.match(page.url(), /\/login$/, "a page without a session redirects to the login");
      await page.type(await control("User Name"), lab.admin!.user);
      await page.type(await control("Password"), lab.admin!.password);
      await follow("button", "Login");
      await follow("nav a", "Phone Security Profile");
      await follow("a", "Add New");
      const name = "Firefox - Encrypted Config";
      await page.type(await control("Name"), name);
      await page.type(await control("Description"), "added in Firefox ESR");
      await page.click(await control("TFTP Encrypted Config"));
      await selectLabel("Authentication Mode", "By Authentication String");
      await selectLabel("Key Size (Bits)", "3072");
      await follow("button", "Save");
      const saved = await page.$eval("section[aria-label=Saved]", (e) => (e as HTMLElement).innerText);
      assert.match(saved, /TFTP Encrypted Config\s+Yes/);
      assert.match(saved, /Authentication Mode\s+By Authentication String/);
      const stored = findProfile(lab.db, name);
      assert.deepEqual([stored?.tftpencryptedconfig, stored?.capfauthmode, stored?.keysize], [true, "string", 3072]);
    });

    test("the issue's labels are the controls' accessible names, the selects offer CUCM's words, and a narrow window needs no sideways scrolling", {
      skip: markupOnly(engine),
    }, async () => {
      const page = await loggedIn();
      const base = lab.admin!.url;
      const options = async (label: string) => page.getByLabel(label, { exact: true }).locator("option").allInnerTexts();
      addProfile(lab.db, "Labels probe", { tftpencryptedconfig: true, description: "for the label test" });
      const device = addPhone(lab, "A45630BBFA7E", "Labels probe", { operation: "none" });

      await page.goto(`${base}/phonesecurityprofile`);
      for (const link of ["Phone Security Profile", "Phone", "Reports", "SQL", "Troubleshooting"]) {
        assert.equal(await page.getByRole("navigation", { name: "Menu" }).getByRole("link", { name: link, exact: true }).count(), 1, `menu link ${link}`);
      }
      assert.equal(await page.getByRole("searchbox").count(), 1, "a search box");
      assert.equal(await page.getByRole("link", { name: "Add New", exact: true }).count(), 1);
      await page.goto(`${base}/phonesecurityprofile/edit?name=${encodeURIComponent("Labels probe")}`);
      for (const label of [
        "Name",
        "Description",
        "Product Type",
        "Device Protocol",
        "Device Security Mode",
        "TFTP Encrypted Config",
        "Authentication Mode",
        "Key Size (Bits)",
        "Signing Hash",
      ]) {
        assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, `profile form: ${label}`);
      }
      assert.equal(await page.getByRole("checkbox", { name: "TFTP Encrypted Config", exact: true }).count(), 1, "TFTP Encrypted Config is a checkbox");
      for (const button of ["Save", "Copy", "Delete"]) assert.equal(await page.getByRole("button", { name: button, exact: true }).count(), 1, button);
      const authModes = [
        "By Null String",
        "By Authentication String",
        "By Existing Certificate (Precedence to LSC)",
        "By Existing Certificate (Precedence to MIC)",
      ];
      assert.deepEqual(await options("Authentication Mode"), authModes);
      assert.deepEqual(await options("Key Size (Bits)"), ["1024", "2048", "3072", "4096"]);

      await page.goto(`${base}/phone/edit?name=${device}`);
      for (const label of [
        "Device Name",
        "Description",
        "Device Security Profile",
        "Certificate Operation",
        "Authentication Mode",
        "Authentication String",
        "Key Size (Bits)",
        "Operation Completes By",
        "Certificate Operation Status",
      ]) {
        assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, `device form: ${label}`);
      }
      assert.equal(await page.getByRole("group", { name: "CAPF Information" }).count(), 1, "a CAPF Information section");
      assert.equal(await page.getByRole("button", { name: "Generate String", exact: true }).count(), 1);
      assert.deepEqual(await options("Certificate Operation"), ["No Pending Operation", "Install/Upgrade", "Delete", "Troubleshoot"]);
      assert.deepEqual(await options("Authentication Mode"), authModes);
      assert.deepEqual(await options("Key Size (Bits)"), ["1024", "2048", "3072", "4096"]);
      assert.deepEqual(
        (await options("Device Security Profile")).sort(),
        listProfiles(lab.db)
          .map((p) => p.name)
          .sort(),
        "the profiles by name",
      );
      assert.equal(await page.getByLabel("Certificate Operation Status", { exact: true }).getAttribute("readonly"), "");
      await page.goto(`${base}/sql`);
      assert.equal(await page.getByLabel("Query", { exact: true }).count(), 1);
      assert.equal(await page.getByRole("button", { name: "Execute", exact: true }).count(), 1);

      // A narrow window (a phone's 390 px): nothing wider than the window but the tables' own scroll boxes.
      await page.setViewportSize({ width: 390, height: 800 });
      for (const path of [
        "/phone",
        `/phone/edit?name=${device}`,
        "/phonesecurityprofile",
        "/phonesecurityprofile/edit?name=Labels+probe",
        "/reports",
        "/sql",
        `/troubleshooting/device?name=${device}`,
      ]) {
        await page.goto(`${base}${path}`);
        const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        assert.ok(scroll <= inner, `${path}: ${scroll} px wide in a ${inner} px window`);
      }
      await page.goto(`${base}/phone/edit?name=${device}`);
      await page.getByLabel("Description", { exact: true }).fill("narrow window edit");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.getByRole("region", { name: "Saved" }).waitFor();
      assert.equal(findDevice(lab.db, device)?.description, "narrow window edit", "the form works at 390 px");
      await page.context().close();
    });
  });
}
