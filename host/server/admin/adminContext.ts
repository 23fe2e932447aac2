// What every admin page handler gets: the server's database and served files (so pages change and
// show exactly what the CLI changes and the phones are served), the evidence recorder, and the
// request in hand with its session.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServiceAddress } from "../../shared/configXml.js";
import type { Db } from "../database.js";
import type { EventRecorder } from "../deviceEvents.js";
import type { RenderResult } from "../fileRenderer.js";
import { sendHtml } from "./adminHttp.js";
import type { AdminSession } from "./adminSessions.js";
import { type Frame, type PageName, renderPage } from "./adminViews.js";

export interface AdminContext {
  db: Db;
  dataDir: string;
  /** the files as phones are served them now (the build layer) */
  files: { get(name: string): RenderResult };
  /** the address phones are told to reach CAPF at */
  address: () => ServiceAddress;
  /** the CAPF certificate (DER) the service must present */
  capfCertificateDer: Uint8Array;
  events: EventRecorder;
  /** where the CAPF service listens (the troubleshooting check connects to it) */
  capf: { host: string; port: number };
}

export interface PageRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  session: AdminSession;
  /** the posted form (POST only), CSRF token already checked */
  form: URLSearchParams;
}

export type PageHandler = (ctx: AdminContext, r: PageRequest) => void | Promise<void>;

/** Sends a page of the signed-in frame: menu, user, CSRF token. */
export function sendPage(r: PageRequest, page: PageName, frame: Omit<Frame, "user" | "csrf">, data: object, status = 200): void {
  sendHtml(r.res, status, renderPage(page, { ...frame, user: r.session.user, csrf: r.session.csrf }, data));
}

/** A query parameter or form field, capped. */
export function param(r: PageRequest, name: string, max = 200): string {
  return (r.form.get(name) ?? r.url.searchParams.get(name) ?? "").slice(0, max);
}
