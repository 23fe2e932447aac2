// Debian's Chromium driven by playwright-core, and Debian's Firefox ESR driven by puppeteer-core
// (never a downloaded browser). Tests that need one skip, saying so, when it is not installed.
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/**
 * Flags for Debian's Chromium as root on this closed network: no sandbox, no GPU, and none of the
 * background connections (they are refused here, many at a time). Shared by every driver we use.
 */
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `skipped: ${CHROMIUM} is not installed (apt-get install chromium)`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", ...CHROMIUM_FLAGS],
    timeout: 30_000,
  });
}

export const FIREFOX = "/usr/bin/firefox-esr";

/**
 * Debian's Firefox ESR, driven by puppeteer-core over WebDriver BiDi (Firefox's own remote
 * protocol). Not playwright-core: its Firefox speaks Juggler, a protocol only Playwright's
 * patched Firefox builds have — Debian's firefox-esr exits at once when launched with
 * `-juggler-pipe`. `{ skipped }` says why when it cannot run here.
 */
export async function launchFirefox(profileDir: string): Promise<{ browser: import("puppeteer-core").Browser } | { skipped: string }> {
  if (!existsSync(FIREFOX)) return { skipped: `skipped: ${FIREFOX} is not installed (apt-get install firefox-esr)` };
  let launch: typeof import("puppeteer-core").launch;
  try {
    launch = (await import("puppeteer-core")).launch;
  } catch {
    return { skipped: "skipped: puppeteer-core is not installed (npm ci installs it: a devDependency)" };
  }
  const browser = await launch({
    browser: "firefox",
    executablePath: FIREFOX,
    headless: true,
    acceptInsecureCerts: true,
    userDataDir: profileDir,
    timeout: 60_000,
  });
  return { browser };
}
