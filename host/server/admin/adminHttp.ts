// The HTTP plumbing of the admin pages: the headers every answer carries (a strict
// Content-Security-Policy: no script at all, styles from our own stylesheet only), cookies
// (the `cookie` package), form bodies read with a size and time bound (`raw-body`) and parsed
// as the WHATWG URL standard says (URLSearchParams), and redirects.
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseCookie, type SerializeOptions, stringifySetCookie } from "cookie";
import getRawBody from "raw-body";

/** No script, no frames, no plugins; forms post only back here; styles only from /admin.css. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
  "strict-transport-security": "max-age=31536000",
};

/** A form body is a handful of fields; anything larger is refused before it is parsed. */
export const MAX_FORM_BYTES = 64 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "text/html; charset=utf-8", ...headers });
  res.end(html);
}

export function sendText(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": contentType, "cache-control": "max-age=300" });
  res.end(body);
}

/** 303 See Other: after a POST the browser GETs the result (reloading never posts twice). */
export function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(303, { ...SECURITY_HEADERS, location, ...headers });
  res.end();
}

export function cookiesOf(req: IncomingMessage): Record<string, string | undefined> {
  return parseCookie(req.headers.cookie ?? "");
}

/** A cookie only the server sees (HttpOnly), sent only over HTTPS (Secure) and never cross-site. */
export function strictCookie(name: string, value: string, maxAgeSeconds: number): string {
  const options: SerializeOptions = { httpOnly: true, secure: true, sameSite: "strict", path: "/", maxAge: maxAgeSeconds };
  return stringifySetCookie(name, value, options);
}

export function clearedCookie(name: string): string {
  return strictCookie(name, "", 0);
}

/** The fields of an application/x-www-form-urlencoded body, at most MAX_FORM_BYTES, within 10 s. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") throw new HttpError(415, "forms are posted as application/x-www-form-urlencoded");
  let text: string;
  try {
    text = await withDeadline(getRawBody(req, { limit: MAX_FORM_BYTES, encoding: "utf-8", length: req.headers["content-length"] }), 10_000);
  } catch (e) {
    const status = (e as { status?: number }).status;
    throw new HttpError(status === 413 ? 413 : 400, status === 413 ? `a form is at most ${MAX_FORM_BYTES} bytes` : "the form body could not be read");
  }
  return new URLSearchParams(text);
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** One field of a form or query, trimmed of nothing, capped at `max` characters; "" when absent. */
export function field(params: URLSearchParams, name: string, max = 200): string {
  return (params.get(name) ?? "").slice(0, max);
}
