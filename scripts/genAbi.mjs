// Run by `npm run build`: the ABI schema (assembly/abi/schema.json) → host/generated/status.ts
// and abi.ts, build/cnfguard_abi.h, and the marked tables of assembly/README.md and
// assembly/abi/*.md. `--root DIR` generates for another tree (the freshness test uses a copy);
// `--check` writes nothing and exits 1 naming every file that differs.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { abiPages, readSchema, renderAbiTs, renderHeader, renderPage, renderStatusTs } from "./abiSchema.mjs";

const args = process.argv.slice(2);
const rootAt = args.indexOf("--root");
const root = rootAt >= 0 ? resolve(args[rootAt + 1]) : resolve(dirname(fileURLToPath(import.meta.url)), "..");
const check = args.includes("--check");

let schema;
try {
  schema = readSchema(root);
} catch (e) {
  console.error(`genAbi: ${e.message}`);
  process.exit(1);
}

const outputs = new Map([
  ["host/generated/status.ts", renderStatusTs(schema)],
  ["host/generated/abi.ts", renderAbiTs(schema)],
  ["build/cnfguard_abi.h", renderHeader(schema)],
]);
for (const page of abiPages(root, readdirSync)) {
  try {
    outputs.set(page, renderPage(schema, readFileSync(join(root, page), "utf8"), page));
  } catch (e) {
    console.error(`genAbi: ${e.message}`);
    process.exit(1);
  }
}

const stale = [];
for (const [path, text] of outputs) {
  const file = join(root, path);
  if (existsSync(file) && readFileSync(file, "utf8") === text) continue;
  stale.push(path);
  if (check) continue;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
if (check && stale.length > 0) {
  console.error(`genAbi: not generated from assembly/abi/schema.json: ${stale.join(", ")} (run: node scripts/genAbi.mjs)`);
  process.exit(1);
}
