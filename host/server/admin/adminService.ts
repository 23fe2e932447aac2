// The admin pages over HTTPS (the tomcat certificate): routing, the session gate (everything but
// the login page needs a session, else a redirect to /login), the CSRF check on every POST, and
// one error page. Each page lives in its own module; this one only dispatches.
import type { IncomingMessage, ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { certificatePem, privateKeyPem } from "../../shared/pki/certificateBuilder.js";
import type { CertifiedKey } from "../labPki.js";
import type { AdminContext, PageHandler, PageRequest } from "./adminContext.js";
import { cookiesOf, HttpError, readForm, redirect, sendHtml, sendText } from "./adminHttp.js";
import { sameToken, sessionStore } from "./adminSessions.js";
import { ADMIN_CSS } from "./adminStyle.js";
import { renderPage } from "./adminViews.js";
import { loginLimiter } from "./loginLimiter.js";
import { type Gate, login, loginForm, logout, SESSION_COOKIE } from "./loginPages.js";
import { phoneForm, phoneList, phoneSave } from "./phonePages.js";
import { profileCopy, profileDelete, profileForm, profileList, profileSave } from "./profilePages.js";
import { reports } from "./reportPages.js";
import { sqlExecute, sqlForm } from "./sqlPage.js";
import { troubleshootingDevice, troubleshootingList } from "./troubleshootingPages.js";

/** Every page behind the login, by "METHOD /path" (the security tests walk this list). */
export const ROUTES: Record<string, PageHandler> = {
  "GET /phonesecurityprofile": profileList,
  "GET /phonesecurityprofile/edit": profileForm,
  "POST /phonesecurityprofile/save": profileSave,
  "POST /phonesecurityprofile/copy": profileCopy,
  "POST /phonesecurityprofile/delete": profileDelete,
  "GET /phone": phoneList,
  "GET /phone/edit": phoneForm,
  "POST /phone/save": phoneSave,
  "GET /reports": reports,
  "GET /sql": sqlForm,
  "POST /sql": sqlExecute,
  "GET /troubleshooting": troubleshootingList,
  "GET /troubleshooting/device": troubleshootingDevice,
};

export interface AdminServiceOptions {
  bind: string;
  /** 0 = a free port */
  port: number;
  tls: CertifiedKey;
  context: AdminContext;
  log: (line: string) => void;
  /** failed logins per address before it must wait, default 5 (in 15 minutes) */
  maxLoginFailures?: number;
}

export interface AdminService {
  port: number;
  close(): Promise<void>;
}

export async function startAdminService(o: AdminServiceOptions): Promise<AdminService> {
  const gate: Gate = { sessions: sessionStore(), limiter: loginLimiter({ maxFailures: o.maxLoginFailures }) };
  const server = https.createServer({ key: privateKeyPem(o.tls.privateKey), cert: certificatePem(o.tls.certificateDer), minVersion: "TLSv1.2" }, (req, res) => {
    handle(o.context, gate, req, res).catch((e: Error) => {
      const status = e instanceof HttpError ? e.status : 500;
      if (status === 500) o.log(`admin ${req.socket.remoteAddress} ${req.method} ${req.url?.slice(0, 200)} 500 (${e.message})`);
      if (res.headersSent) return void res.end();
      sendHtml(
        res,
        status,
        renderPage(
          "@message",
          { title: "Error", error: status === 500 ? "The server failed on this request; its log says why" : e.message },
          { href: "/", link: "Back" },
        ),
      );
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.maxHeadersCount = 50;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.bind, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(ctx: AdminContext, gate: Gate, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "https://admin.invalid");
  const route = `${req.method} ${url.pathname}`;
  if (route === "GET /admin.css") return sendText(res, 200, "text/css; charset=utf-8", ADMIN_CSS);
  if (route === "GET /login") return loginForm(req, res, url.searchParams.has("loggedout") ? { notice: "Logged out" } : {});
  if (route === "POST /login") return login(ctx, gate, req, res);
  const session = gate.sessions.find(cookiesOf(req)[SESSION_COOKIE]);
  if (!session) return redirect(res, "/login");
  const form = req.method === "POST" ? await readForm(req) : new URLSearchParams();
  if (req.method === "POST" && !sameToken(form.get("csrf") ?? undefined, session.csrf)) {
    throw new HttpError(
      403,
      "This form was not sent by a page of this session (missing or wrong CSRF token): nothing was changed — open the page again and retry",
    );
  }
  if (route === "POST /logout") return logout(gate, session.id, res);
  if (route === "GET /") return redirect(res, "/phone");
  const handler = ROUTES[route];
  if (!handler) throw new HttpError(404, `No page ${url.pathname.slice(0, 100)}`);
  const r: PageRequest = { req, res, url, session, form };
  await handler(ctx, r);
}
