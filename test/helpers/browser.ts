// Debian's Chromium driven by playwright-core (never a downloaded browser). Tests that need it
// skip, saying so, when /usr/bin/chromium is not installed.
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
