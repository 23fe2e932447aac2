// The core's verdict on one call, as a status name: "OK", or the CoreError's name
// (e.g. "E_DER_TRUNCATED"). Any other exception is a test failure and propagates.
import { CoreError } from "../../host/core.js";

export function statusOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CoreError) return e.statusName;
    throw e;
  }
  return "OK";
}
