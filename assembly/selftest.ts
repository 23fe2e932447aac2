// selftest(): built-in known-answer tests of every primitive, callable from any
// runtime (no JavaScript needed). Returns 0 when all pass, otherwise the code of
// the first failing group × 100 + the failing case inside it.
import { selftestHashes } from "./hash/hashSelftest";
import { selftestAes } from "./aes/aesSelftest";
import { selftestRsa } from "./rsa/rsaSelftest";
import { selftestSigned } from "./signed/signedSelftest";

export function selftest(): i32 {
  let r = selftestHashes();
  if (r != 0) return 100 + r;
  r = selftestAes();
  if (r != 0) return 200 + r;
  r = selftestRsa();
  if (r != 0) return 300 + r;
  r = selftestSigned();
  if (r != 0) return 400 + r;
  return 0;
}
