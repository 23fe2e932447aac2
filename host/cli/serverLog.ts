// The server's log on standard output: one line per event, as text (time, level, message) or,
// with --log-format json, one JSON object per line ({"time","level","msg"} plus fields), and only
// the events at or above --log-level.
import { UsageError } from "../shared/errors.js";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The services' lines that report a refusal or a failure: logged as warnings. */
const WARNING = /refused|not served|failed|error|denied|invalid|timed? ?out|dropped/i;

export interface ServerLog {
  /** a service's line: its level guessed from its words */
  line(text: string): void;
  write(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
}

export function checkLogLevel(v: string | undefined): LogLevel {
  if (v === undefined) return "info";
  if (!(LOG_LEVELS as readonly string[]).includes(v)) throw new UsageError(`--log-level '${v}': use one of ${LOG_LEVELS.join(", ")}`);
  return v as LogLevel;
}

export function checkLogFormat(v: string | undefined): LogFormat {
  if (v === undefined) return "text";
  if (!(LOG_FORMATS as readonly string[]).includes(v)) throw new UsageError(`--log-format '${v}': use text or json`);
  return v as LogFormat;
}

export function serverLog(format: LogFormat, minimum: LogLevel, out: (s: string) => void = (s) => process.stdout.write(s)): ServerLog {
  const rank = (l: LogLevel) => LOG_LEVELS.indexOf(l);
  const write = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}) => {
    if (rank(level) < rank(minimum)) return;
    const time = new Date().toISOString();
    out(format === "json" ? `${JSON.stringify({ time, level, msg, ...fields })}\n` : `${time} ${msg}\n`);
  };
  return { write, line: (text) => write(WARNING.test(text) ? "warn" : "info", text) };
}
