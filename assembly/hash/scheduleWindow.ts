// The last 16 words of the SHA-2 message schedule while SHA-256 or SHA-512 compresses a
// block (sized for SHA-512's 64-bit words; compression never nests, so one region serves
// both). In memory rather than in sixteen locals, which would spill anyway: this lets the
// rounds run as a loop over groups of eight instead of sixteen unrolled rounds.
export const SCHEDULE: usize = memory.data(16 * 8, 8);
