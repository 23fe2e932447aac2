// `npm run screenshots`: the admin pages' screenshots in docs/screenshots/ (1280 px wide, and the
// phone form on a narrow window), taken with Debian's Chromium against a lab server with a
// phone that has booted through CAPF, devices of other classes, an operation with its deadline,
// a failed one and an unknown device CAPF saw. Not a test: pictures for the README.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../host/paths.js";
import { addDevice, setCapfOperation } from "../host/server/deviceStore.js";
import { browserMissing, launchChromium } from "./helpers/browser.js";
import { addPhone, boot } from "./helpers/phoneFixtures.js";
import { labServer } from "./helpers/serverFixtures.js";

const out = join(repoRoot, "docs", "screenshots");

async function main(): Promise<void> {
  const missing = browserMissing();
  if (missing) throw new Error(missing);
  mkdirSync(out, { recursive: true });
  const lab = await labServer(
    {
      "Cisco 7942 - Encrypted Config": {
        tftpencryptedconfig: true,
        capfauthmode: "null",
        keysize: 2048,
        description: "TFTP Encrypted Config, CAPF by null string",
      },
      "Cisco 8845 - Standard SIP Secure Profile": { devicesecuritymode: 3, capfauthmode: "string", keycurve: "secp256r1", signinghash: "sha512" },
      "Universal Device Template - Non Secure": {},
    },
    {},
    { admin: {} },
  );
  const state = mkdtempSync(join(tmpdir(), "cnfguard-shots-"));
  const browser = await launchChromium();
  try {
    const booted = addPhone(lab, "A45630BBFA40", "Cisco 7942 - Encrypted Config");
    if (!(await boot(lab, "A45630BBFA40", state)).ok) throw new Error("the phone did not boot");
    addPhone(lab, "A45630BBFA41", "Cisco 7942 - Encrypted Config");
    addPhone(lab, "00112233AABB", "Cisco 8845 - Standard SIP Secure Profile", { operation: "install", authString: "20481024" });
    addPhone(lab, "00112233AABC", "Universal Device Template - Non Secure", { operation: "none" });
    setCapfOperation(lab.db, "SEP00112233AABC", { operation: "none" });
    addDevice(lab.db, "CSFJSMITH", { profile: "Cisco 8845 - Standard SIP Secure Profile", description: "Jabber for J. Smith" });
    setCapfOperation(lab.db, "CSFJSMITH", { operation: "install", authString: "generate", until: inDays(3) });
    addDevice(lab.db, "ATA00778DA1C439", { profile: "Universal Device Template - Non Secure", description: "fax line" });
    setCapfOperation(lab.db, "ATA00778DA1C439", { operation: "fetch", until: inDays(1) });
    // A session that failed, and a name CAPF was given that the database does not hold, as the service records them.
    lab.db
      .prepare("UPDATE device SET certificateoperationstatus = 'invalidAuthenticationString', certificateoperationstatusat = ? WHERE name = ?")
      .run(new Date().toISOString(), "SEP00112233AABB");
    lab.db.prepare("INSERT INTO capfunknowndevice (name, lastseen, sessions) VALUES ('SEP0011DEADBEEF', ?, 2)").run(new Date().toISOString());
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const base = lab.admin!.url;
    const shot = async (name: string) => {
      await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
      process.stdout.write(`docs/screenshots/${name}.png\n`);
    };
    await page.goto(`${base}/login`);
    await shot("login");
    await page.getByLabel("User Name").fill(lab.admin!.user);
    await page.getByLabel("Password").fill(lab.admin!.password);
    await page.getByRole("button", { name: "Login" }).click();
    await page.waitForURL(/\/phone$/);
    await shot("phone-list");
    await page.goto(`${base}/phone/edit?name=${booted}`);
    await shot("phone-form");
    await page.goto(`${base}/phonesecurityprofile`);
    await shot("profile-list");
    await page.goto(`${base}/phonesecurityprofile/edit?name=${encodeURIComponent("Cisco 7942 - Encrypted Config")}`);
    await shot("profile-form");
    await page.goto(`${base}/reports`);
    await shot("reports");
    await page.goto(`${base}/sql`);
    await page.getByLabel("Query").fill("select name, md5hash, capfoperation from device order by name");
    await page.getByRole("button", { name: "Execute" }).click();
    await page.waitForLoadState();
    await shot("sql");
    await page.goto(`${base}/troubleshooting/device?name=${booted}`);
    await shot("troubleshooting");
    await page.goto(`${base}/phone/edit?name=CSFJSMITH`);
    await shot("phone-form-scheduled");
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${base}/phone/edit?name=${booted}`);
    await shot("phone-form-narrow");
    await context.close();
  } finally {
    await browser.close();
    await lab.close();
    rmSync(state, { recursive: true, force: true });
  }
}

/** A deadline `days` from now, to the minute (ISO 8601 UTC). */
function inDays(days: number): string {
  return `${new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 16)}:00Z`;
}

main().catch((e) => {
  process.stderr.write(`screenshots: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
