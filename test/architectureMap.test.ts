// docs/architecture.md names real paths: every `path` it writes in backticks exists in the
// repository (or in the build it describes, after `npm run build`). A bare file name, or a
// path relative to a folder named on the same line, must be some file's tail.

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";

const ROOT = process.cwd();
const TOP = ["assembly", "host", "test", "docs", "bench", "vectors", "embed", "scripts", "deploy", "build", "bin", "dist"];
const SKIP_DIRS = new Set(["node_modules", ".git", "dist"]);

function allFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      out.push(`${relative(ROOT, path)}/`);
      allFiles(path, out);
    } else out.push(relative(ROOT, path));
  }
  return out;
}

/** `x` spans that look like a path: a known extension or a trailing slash, no placeholders (DIR/… is the data folder). */
function namedPaths(markdown: string): string[] {
  const spans = [...markdown.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]);
  return spans.filter((s) => /^[\w.\-/]+(\.(ts|md|json|mjs|js|sh|c|h|wasm|service)|\/)$/.test(s) && !/^\.|^\w+\.\w+\(|^[A-Z]+\//.test(s));
}

test("every path docs/architecture.md names exists", () => {
  const files = allFiles(ROOT);
  const missing: string[] = [];
  const paths = namedPaths(readFileSync("docs/architecture.md", "utf8"));
  assert.ok(paths.length > 50, `the map names ${paths.length} paths: the reader found too few to be checking it`);
  for (const p of paths) {
    const rooted = TOP.some((t) => p === `${t}/` || p.startsWith(`${t}/`));
    const found = rooted ? existsSync(join(ROOT, p)) : files.some((f) => f === p || f.endsWith(`/${p}`));
    if (!found) missing.push(p);
  }
  assert.deepEqual(missing, [], `docs/architecture.md names paths that do not exist: ${missing.join(", ")}`);
});

test("the checker notices a path that does not exist", () => {
  const paths = namedPaths("see `host/shared/capf/capfService.ts` and `nowhere.ts` but not `a.b(c)` or `DIR/pki/retired/`");
  assert.deepEqual(paths, ["host/shared/capf/capfService.ts", "nowhere.ts"]);
  assert.equal(existsSync(join(ROOT, paths[0])), false);
});
