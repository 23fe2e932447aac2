// An HTTPS client for the admin pages in tests: requests with the tomcat certificate trusted as
// the CA (no verification switched off), cookies and hidden CSRF tokens picked out of answers,
// and a login that returns the session cookie with the session's CSRF token.
import https from "node:https";
import { after, before } from "node:test";
import { readTomcat } from "../../host/server/admin/adminSetup.js";
import { certificatePem } from "../../host/shared/pki/certificateBuilder.js";
import type { LabServer } from "./serverFixtures.js";

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface AdminClient {
  request(method: string, path: string, o?: { cookie?: string; form?: Record<string, string> }): Promise<Reply>;
  /** GET /login, then POST it with its token: the reply (303 and a session cookie when right) */
  loginAttempt(password: string): Promise<Reply>;
  /** a signed-in session: its cookie and CSRF token */
  session(): Promise<{ cookie: string; csrf: string }>;
}

export function adminClient(lab: LabServer): AdminClient {
  const ca = certificatePem(readTomcat(lab.dir).certificateDer);
  const request: AdminClient["request"] = (method, path, o = {}) => {
    const body = o.form ? new URLSearchParams(o.form).toString() : undefined;
    return new Promise((resolve, reject) => {
      const req = https.request(`${lab.admin!.url}${path}`, {
        method,
        ca,
        timeout: 10_000,
        headers: { ...(o.cookie ? { cookie: o.cookie } : {}), ...(body !== undefined ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      });
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
      req.on("error", reject);
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      });
      req.end(body);
    });
  };
  const loginAttempt = async (password: string) => {
    const form = await request("GET", "/login");
    const loginCookie = cookieOf(form, "cnfguard_login")!;
    return request("POST", "/login", { cookie: loginCookie, form: { csrf: hiddenToken(form.body), username: lab.admin!.user, password } });
  };
  return {
    request,
    loginAttempt,
    async session() {
      const ok = await loginAttempt(lab.admin!.password);
      if (ok.status !== 303) throw new Error(`login answered ${ok.status}: ${ok.body.slice(0, 200)}`);
      const cookie = cookieOf(ok, "cnfguard_session")!;
      const page = await request("GET", "/phone", { cookie });
      return { cookie, csrf: hiddenToken(page.body) };
    },
  };
}

/** "name=value" of a Set-Cookie the reply carries, or undefined. */
/** Form posts (with the session's CSRF token) and page gets for a client and session a suite's before() makes. */
export function sessionRequests(client: () => AdminClient, session: () => { cookie: string; csrf: string }) {
  return {
    post: (path: string, form: Record<string, string>) => client().request("POST", path, { cookie: session().cookie, form: { csrf: session().csrf, ...form } }),
    get: (path: string) => client().request("GET", path, { cookie: session().cookie }),
  };
}

export function cookieOf(reply: Reply, name: string): string | undefined {
  const line = ([] as string[]).concat(reply.headers["set-cookie"] ?? []).find((c) => c.startsWith(`${name}=`));
  return line?.split(";")[0];
}

export function hiddenToken(html: string): string {
  return /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
}

/** The value of the input with this id in a page (decoded from its HTML escaping). */
export function inputValue(html: string, id: string): string | undefined {
  const m = new RegExp(`id="${id}"[^>]*value="([^"]*)"`).exec(html);
  return m?.[1]
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The Phone Security Profile form's fields for `name` (an edit of it: `original` = name), with `o` over them. */
export function profileFields(name: string, o: Record<string, string> = {}): Record<string, string> {
  return {
    original: name,
    name,
    description: "",
    producttype: "Cisco 7942",
    deviceprotocol: "SIP",
    devicesecuritymode: "1",
    capfauthmode: "null",
    keyorder: "rsa",
    keysize: "2048",
    eckeysize: "secp256r1",
    signinghash: "sha1",
    ...o,
  };
}

/**
 * A lab server with the admin pages, for one suite: started and signed in before its tests,
 * closed after them. `lab` reads the server the suite's `before` started.
 */
export function signedInLab(start: () => Promise<LabServer>) {
  let lab: LabServer | undefined;
  let client: AdminClient;
  let session: { cookie: string; csrf: string };
  before(async () => {
    lab = await start();
    client = adminClient(lab);
    session = await client.session();
  });
  after(() => lab?.close());
  return {
    get lab(): LabServer {
      if (!lab) throw new Error("the lab server starts in the suite's before()");
      return lab;
    },
    ...sessionRequests(
      () => client,
      () => session,
    ),
  };
}
