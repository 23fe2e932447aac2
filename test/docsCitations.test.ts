// The repository holds its own specifications: every `formats.md`, `capf.md`, `flow.md` or
// `design.md` the code cites must exist in docs/, and every "formats.md §N" must name a
// section that page has — so a citation can always be followed.

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../host/paths.js";

const CODE_DIRS = ["host", "assembly", "embed", "bench", "scripts", "test"];
const CODE_FILE = /\.(ts|mjs|js|c|h|sh)$/;

function codeFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name === "generated") return [];
    return statSync(path).isDirectory() ? codeFiles(path) : CODE_FILE.test(name) ? [path] : [];
  });
}

interface Citation {
  file: string;
  page: string;
  section?: string;
}

function citations(): Citation[] {
  const found: Citation[] = [];
  for (const file of CODE_DIRS.flatMap((d) => codeFiles(join(repoRoot, d)))) {
    if (file.endsWith("docsCitations.test.ts")) continue;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\b(formats|capf|flow|design)\.md(?: ?§ ?(\d+))?/g)) {
      found.push({ file: relative(repoRoot, file), page: `${m[1]}.md`, section: m[2] });
    }
  }
  return found;
}

test("the code cites the specifications, and each cited page is in docs/", () => {
  const all = citations();
  assert.ok(all.length > 20, `expected the code to cite docs/ pages, found ${all.length}`);
  const missing = all.filter((c) => !existsSync(join(repoRoot, "docs", c.page)));
  assert.deepEqual(missing, [], "citations of pages docs/ does not hold");
});

test("every cited section number is a heading of the cited page", () => {
  for (const c of citations().filter((c) => c.section)) {
    const page = readFileSync(join(repoRoot, "docs", c.page), "utf8");
    assert.match(page, new RegExp(`^## ${c.section}\\. `, "m"), `${c.file} cites ${c.page} §${c.section}`);
  }
});

test("the pages link to each other by names that exist", () => {
  for (const page of ["formats.md", "capf.md", "flow.md"]) {
    const text = readFileSync(join(repoRoot, "docs", page), "utf8");
    for (const m of text.matchAll(/\]\(([a-z]+\.md)\)/g)) assert.ok(existsSync(join(repoRoot, "docs", m[1])), `${page} links ${m[1]}`);
  }
});
