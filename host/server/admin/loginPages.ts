// Login and logout. The login form carries its own CSRF token (a cookie it must match, as no
// session exists yet); failed logins are limited per client address with a message saying how
// long to wait; a successful login starts a session (a new id: no fixation) in a strict cookie.
import type { IncomingMessage, ServerResponse } from "node:http";
import { checkLogin } from "./adminAccount.js";
import type { AdminContext } from "./adminContext.js";
import { clearedCookie, cookiesOf, field, readForm, redirect, sendHtml, strictCookie } from "./adminHttp.js";
import { type SessionStore, sameToken, token } from "./adminSessions.js";
import { renderPage } from "./adminViews.js";
import type { LoginLimiter } from "./loginLimiter.js";

export const SESSION_COOKIE = "cnfguard_session";
export const LOGIN_COOKIE = "cnfguard_login";

export interface Gate {
  sessions: SessionStore;
  limiter: LoginLimiter;
}

export function loginForm(req: IncomingMessage, res: ServerResponse, m: { error?: string; notice?: string; username?: string } = {}, status = 200): void {
  const existing = cookiesOf(req)[LOGIN_COOKIE];
  const loginToken = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : token();
  const html = renderPage("@login", { title: "Login", error: m.error, notice: m.notice }, { loginToken, username: m.username ?? "" });
  sendHtml(res, status, html, { "set-cookie": strictCookie(LOGIN_COOKIE, loginToken, 3600) });
}

export async function login(ctx: AdminContext, gate: Gate, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const address = req.socket.remoteAddress ?? "?";
  const form = await readForm(req);
  const username = field(form, "username", 64);
  const wait = gate.limiter.retryAfter(address);
  if (wait > 0) {
    const minutes = Math.ceil(wait / 60_000);
    return loginForm(req, res, { error: `Too many failed logins from ${address}: try again in ${minutes} minute${minutes === 1 ? "" : "s"}`, username }, 429);
  }
  if (!sameToken(field(form, "csrf", 100), cookiesOf(req)[LOGIN_COOKIE] ?? "\0")) {
    return loginForm(req, res, { error: "The login form expired or was not sent by this page: log in again", username }, 403);
  }
  const ok = await checkLogin(ctx.db, username, field(form, "password", 1024));
  if (!ok) {
    gate.limiter.failed(address);
    return loginForm(req, res, { error: "Wrong user name or password", username }, 401);
  }
  gate.limiter.succeeded(address);
  const session = gate.sessions.create(username);
  redirect(res, "/", {
    "set-cookie": [strictCookie(SESSION_COOKIE, session.id, Math.floor(gate.sessions.idleMs / 1000)), clearedCookie(LOGIN_COOKIE)],
  });
}

export function logout(gate: Gate, sessionId: string, res: ServerResponse): void {
  gate.sessions.end(sessionId);
  redirect(res, "/login?loggedout=1", { "set-cookie": clearedCookie(SESSION_COOKIE) });
}
