// `cnfguard hash md5|sha1|sha256|sha512 FILE...`: digests printed exactly as coreutils'
// md5sum/sha*sum print them, each file streamed through the core. Loads only the core
// and its hash facet, so the cost is the hashing.

import { HashFacet } from "../core/hashFacet.js";
import { sharedWasmCore } from "../core/wasmCore.js";
import { HASH_ALGORITHMS, type HashAlgorithm, isHashAlgorithm } from "../shared/hashAlgorithms.js";
import { fileErrorMessage } from "./cliInput.js";
import { type Command, Exit, parse, UsageError } from "./common.js";

const ALGORITHMS = HASH_ALGORITHMS.join("|");

const help = `usage: cnfguard hash ${ALGORITHMS} [--json] [FILE...]

Prints "<lowercase hex digest>  FILE" for each FILE, the format of md5sum, sha1sum,
sha256sum and sha512sum (names holding a backslash, newline or carriage return are
escaped and the line starts with "\\", as coreutils does). FILE "-" or no FILE reads
standard input. Files are streamed, never read whole.

options:
  --json   print [{"file", "algorithm", "digest"}] instead

exit codes: 0 all hashed · 2 bad arguments · 3 a file could not be read (the others are
still hashed and printed)`;

interface Digest {
  file: string;
  algorithm: HashAlgorithm;
  digest: string;
}

/** One output line as coreutils 9 writes it (escaped names get a leading backslash). */
export function checksumLine(hex: string, file: string): string {
  if (!/[\\\n\r]/.test(file)) return `${hex}  ${file}`;
  const escaped = file.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
  return `\\${hex}  ${escaped}`;
}

async function hashOne(hashes: HashFacet, alg: HashAlgorithm, file: string): Promise<string> {
  const bytes = file === "-" ? await hashes.digestChunks(alg, process.stdin) : await hashes.hashFile(alg, file);
  return Buffer.from(bytes).toString("hex");
}

const OPTIONS = { json: { type: "boolean" } } as const;

export const command: Command = {
  summary: `hash files with ${ALGORITHMS} (like md5sum)`,
  help,
  options: OPTIONS,
  actions: HASH_ALGORITHMS,
  async run(argv) {
    const { values, positionals } = parse(argv, OPTIONS);
    const [alg, ...named] = positionals;
    if (!alg) throw new UsageError(`name an algorithm: ${ALGORITHMS}`);
    if (!isHashAlgorithm(alg)) throw new UsageError(`unknown algorithm '${alg}': use one of ${ALGORITHMS}`);
    const files = named.length ? named : ["-"];
    const hashes = new HashFacet(sharedWasmCore());
    const results: Digest[] = [];
    let failed = 0;
    for (const file of files) {
      let digest: string;
      try {
        digest = await hashOne(hashes, alg, file);
      } catch (e) {
        failed++;
        process.stderr.write(`cnfguard hash: ${fileErrorMessage(e, file === "-" ? "standard input" : file)}\n`);
        continue;
      }
      if (values.json) results.push({ file, algorithm: alg, digest });
      else process.stdout.write(checksumLine(digest, file) + "\n");
    }
    if (values.json) process.stdout.write(JSON.stringify(results, null, 2) + "\n");
    return failed ? Exit.IO : Exit.OK;
  },
};
