// The AES code's only static working memory (128 bytes), shared by the key schedule
// and CBC: neither runs while the other is using it (the core is single-threaded and
// no AES function calls back out). Both wipe it before returning.
import { PLANES_SIZE } from "./aesBitslice";

/** Four blocks as bit planes. */
export const SCRATCH_PLANES: usize = memory.data(<i32>PLANES_SIZE, 16);
/** Four blocks as bytes: what the planes are packed from or unpacked into. */
export const SCRATCH_BLOCKS: usize = memory.data(64, 16);

/** Zero both buffers, so no key, keystream or plaintext stays behind. */
export function wipeScratch(): void {
  memory.fill(SCRATCH_PLANES, 0, PLANES_SIZE);
  memory.fill(SCRATCH_BLOCKS, 0, 64);
}
