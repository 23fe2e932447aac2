// The admin pages in a real browser (Debian's Chromium): log in, add a profile with TFTP
// Encrypted Config through the form, add a device with it and schedule a CAPF install; a phone
// then boots on loopback to a verified encrypted config; the device page shows the md5hash
// (oracle: node:crypto's MD5 of the phone's LSC) and the troubleshooting page shows the
// partial-config fetch, the CAPF session and the encrypted-config fetch in that order.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { findDevice } from "../host/server/deviceStore.js";
import { findProfile } from "../host/server/profileStore.js";
import { browserMissing, launchChromium } from "./helpers/browser.js";
import { boot, md5, scratchDir } from "./helpers/phoneFixtures.js";
import { type LabServer, labServer } from "./helpers/serverFixtures.js";

const missing = browserMissing();
let lab: LabServer;
let browser: Browser;

before(async () => {
  if (missing) return;
  lab = await labServer({}, {}, { admin: {} });
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
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("region", { name: "Saved" }).waitFor();
  assert.equal(findDevice(lab.db, device)?.capfoperation, "install");

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
  assert.ok((await page.getByLabel("Certificate Operation Status").inputValue()).length > 0);

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
