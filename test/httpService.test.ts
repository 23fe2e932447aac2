// Port 6970's own HTTP/1.x server against independent clients: node's http client and curl
// (GET, HEAD, 404, 405, keep-alive), and raw sockets for what clients never do on purpose —
// pipelining, a request dripped byte by byte, a head that never ends, malformed and oversized
// heads, control and non-ASCII bytes in the path.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { once } from "node:events";
import { Agent, request } from "node:http";
import net from "node:net";
import { test } from "node:test";
import { type FileResolver, type HttpServiceOptions, KEEP_ALIVE_IDLE_MS, startHttpService } from "../host/server/httpService.js";

const CONFIG = "SEP001122334455.cnf.xml";
const SIGNED = "SEP001122334455.cnf.xml.sgn";
const BODIES: Record<string, Buffer> = { [CONFIG]: Buffer.from("<device/>"), [SIGNED]: Buffer.alloc(3000, 0x5a) };
const syncResolver: FileResolver = (name) => ({ body: BODIES[name] ?? null, note: "test" });

async function withService(extra: Partial<HttpServiceOptions>, body: (port: number, logs: string[]) => Promise<void>): Promise<void> {
  const logs: string[] = [];
  const service = await startHttpService({ bind: "127.0.0.1", port: 0, resolve: syncResolver, log: (l) => logs.push(l), ...extra });
  try {
    await body(service.port, logs);
  } finally {
    await service.close();
  }
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function nodeRequest(port: number, method: string, path: string, agent: Agent | false = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, agent, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("timeout", () => req.destroy(new Error("no answer in 5 s")));
    req.on("error", reject);
    req.end();
  });
}

/** Everything the server sends on one raw connection after `write`, until it closes (or 5 s). */
async function rawExchange(port: number, write: (s: net.Socket) => Promise<void> | void): Promise<string> {
  const socket = net.connect({ host: "127.0.0.1", port });
  socket.setNoDelay(true);
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  socket.on("error", () => {});
  await once(socket, "connect");
  const closed = once(socket, "close");
  const timer = setTimeout(() => socket.destroy(), 5000);
  await write(socket);
  await closed;
  clearTimeout(timer);
  return Buffer.concat(chunks).toString("latin1");
}

/** every status line in what came back (an answer may follow a body directly; no body here contains one) */
const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

test("node's http client: GET, HEAD, 404 and 405 with Allow; two requests over one kept-alive connection", async () => {
  await withService({}, async (port) => {
    const get = await nodeRequest(port, "GET", `/${SIGNED}`);
    assert.equal(get.status, 200);
    assert.deepEqual(get.body, BODIES[SIGNED]);
    assert.equal(get.headers["content-type"], "application/octet-stream");
    assert.equal(get.headers["content-length"], "3000");
    assert.equal(get.headers["cache-control"], "no-store");
    assert.ok(!Number.isNaN(Date.parse(String(get.headers.date))), "a Date header");
    const xml = await nodeRequest(port, "GET", `/${CONFIG}?x=1`);
    assert.equal(xml.headers["content-type"], "text/xml");
    assert.equal(xml.body.toString(), "<device/>");
    const head = await nodeRequest(port, "HEAD", `/${SIGNED}`);
    assert.equal(head.status, 200);
    assert.equal(head.headers["content-length"], "3000");
    assert.equal(head.body.length, 0);
    const missing = await nodeRequest(port, "GET", "/SEP000000000000.cnf.xml");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.toString(), "not found\n");
    const post = await nodeRequest(port, "POST", `/${SIGNED}`);
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, "GET, HEAD");

    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const sockets = new Set<net.Socket>();
      agent.on("free", (s: net.Socket) => sockets.add(s));
      assert.equal((await nodeRequest(port, "GET", `/${CONFIG}`, agent)).status, 200);
      assert.equal((await nodeRequest(port, "GET", `/${SIGNED}`, agent)).status, 200);
      assert.equal(sockets.size, 1, "both requests on one connection");
    } finally {
      agent.destroy();
    }
  });
});

function curl(args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile("curl", ["--silent", "--show-error", "--max-time", "5", ...args], { encoding: "latin1" }, (e, stdout) => {
      if (e && (e as NodeJS.ErrnoException).code === "ENOENT") return resolve(null);
      resolve(stdout);
    });
  });
}

test("curl: GET, HEAD, 404 and 405", async (t) => {
  if ((await curl(["--version"])) === null) return t.skip("curl is not on PATH: skipped");
  await withService({}, async (port) => {
    const url = (name: string) => `http://127.0.0.1:${port}/${name}`;
    const body = await curl([url(CONFIG)]);
    assert.equal(body, "<device/>");
    const head = await curl(["--head", url(SIGNED)]);
    assert.match(head ?? "", /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head ?? "", /^content-length: 3000\r$/m);
    assert.equal(await curl(["--output", "/dev/null", "--write-out", "%{http_code}", url("nothing.tlv")]), "404");
    const refused = await curl(["--request", "DELETE", "--include", url(CONFIG)]);
    assert.match(refused ?? "", /^HTTP\/1\.1 405 /);
    assert.match(refused ?? "", /^allow: GET, HEAD\r$/m);
  });
});

test("pipelined requests are answered in order, also when the first resolves later than the second", async () => {
  const slowFirst: FileResolver = async (name) => {
    await new Promise((r) => setTimeout(r, name === CONFIG ? 100 : 0));
    return syncResolver(name, "");
  };
  await withService({ resolve: slowFirst }, async (port) => {
    const text = await rawExchange(port, (s) => {
      s.write(
        `GET /${CONFIG} HTTP/1.1\r\nHost: x\r\n\r\nHEAD /${SIGNED} HTTP/1.1\r\nHost: x\r\n\r\nGET /none HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
    });
    assert.deepEqual(statuses(text), [200, 200, 404]);
    assert.ok(text.indexOf("<device/>") < text.indexOf("content-length: 3000"), "the first answer comes first");
    assert.match(text, /connection: close\r\n\r\nnot found\n$/, "closed after the request that asked for it");
  });
});

test("a request dripped one byte per TCP segment is answered; a client that shuts its side after the request still gets the answer", async () => {
  await withService({}, async (port) => {
    const request = `GET /${CONFIG} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;
    const text = await rawExchange(port, async (s) => {
      for (const c of request) {
        s.write(c);
        await new Promise((r) => setTimeout(r, 2));
      }
    });
    assert.deepEqual(statuses(text), [200]);
    assert.ok(text.endsWith("<device/>"));
    const halfClosed = await rawExchange(port, (s) => void s.end(`GET /${CONFIG} HTTP/1.1\r\nHost: x\r\n\r\n`));
    assert.deepEqual(statuses(halfClosed), [200]);
  });
});

test("a head that never ends is cut at the header deadline with 408 and a log line", async () => {
  await withService({ headerTimeoutMs: 400 }, async (port, logs) => {
    const started = Date.now();
    const text = await rawExchange(port, (s) => {
      s.write("GET /x HTTP/1.1\r\n");
      const drip = setInterval(() => !s.destroyed && s.write("X-A: b\r\n"), 50);
      s.once("close", () => clearInterval(drip));
    });
    assert.ok(Date.now() - started < 3000, "cut near the deadline, not later");
    assert.deepEqual(statuses(text), [408]);
    assert.ok(logs.some((l) => / 408 \(request head not complete within 400 ms\)/.test(l)));
  });
});

test("malformed, oversized and unsupported heads: 400, 414, 431, 505, each closing the connection", async () => {
  await withService({}, async (port, logs) => {
    const answer = (bytes: string) => rawExchange(port, (s) => void s.write(Buffer.from(bytes, "latin1")));
    assert.deepEqual(statuses(await answer("GET /x\r\n\r\n")), [400]);
    assert.deepEqual(statuses(await answer("GET /x HTTP/1.1\r\n\r\n")), [400], "HTTP/1.1 without Host");
    assert.deepEqual(statuses(await answer(`GET /${"a".repeat(9000)}`)), [414]);
    assert.deepEqual(statuses(await answer(`GET /x HTTP/1.1\r\nHost: x\r\n${"X-Pad: 0123456789\r\n".repeat(500)}`)), [431]);
    assert.deepEqual(statuses(await answer("GET /x HTTP/3.0\r\nHost: x\r\n\r\n")), [505]);
    assert.deepEqual(statuses(await answer(`GET /${CONFIG} HTTP/1.1\r\nHost: x\r\n\r\nGET /x\r\n\r\n`)), [200, 400], "a good request then a bad one");
    assert.ok(logs.some((l) => l.includes(" 414 (request line longer than")));
  });
});

test("control and non-ASCII bytes in the path are refused or not found, and reach the log escaped and capped", async () => {
  await withService({}, async (port, logs) => {
    const answer = (bytes: Buffer) => rawExchange(port, (s) => void s.write(bytes));
    const control = await answer(Buffer.from("GET /SEP\x1b[31m\x07.cnf.xml HTTP/1.1\r\nHost: x\r\n\r\n", "latin1"));
    assert.deepEqual(statuses(control), [400]);
    const foreign = Buffer.concat([Buffer.from("GET /"), Buffer.from([0x85, 0x9b]), Buffer.alloc(3000, 0xe9), Buffer.from(" HTTP/1.1\r\nHost: x\r\n\r\n")]);
    assert.deepEqual(statuses(await answer(foreign)), [404]);
    const line = logs.find((l) => l.includes(" 404 ("));
    assert.ok(line, logs.join("\n"));
    assert.ok(line.length < 600, `capped: ${line.length} characters`);
    assert.match(line, /…\(\d+ more\)/);
    assert.ok(line.includes("/\\x85\\x9b\xe9\xe9"), "C1 bytes shown as escapes, latin1 letters as they are");
    for (const l of logs) assert.doesNotMatch(l, /[\x00-\x1f\x7f-\x9f]/, "no raw control character in any log line");
  });
});

test("a resolver that throws, at once or later, gets a 500 and a log line; the service keeps serving", async () => {
  const failing: FileResolver = (name) => {
    if (name === "now") throw new Error("database unavailable");
    if (name === "later") return Promise.reject(new Error("render\nfailed"));
    return syncResolver(name, "");
  };
  await withService({ resolve: failing }, async (port, logs) => {
    assert.equal((await nodeRequest(port, "GET", "/now")).status, 500);
    assert.equal((await nodeRequest(port, "GET", "/later")).status, 500);
    assert.equal((await nodeRequest(port, "GET", `/${CONFIG}`)).status, 200);
    assert.ok(logs.some((l) => l.endsWith("GET /now 500 (database unavailable)")));
    assert.ok(
      logs.some((l) => l.endsWith("GET /later 500 (render\\x0afailed)")),
      logs.join("\n"),
    );
  });
});

test("a kept-alive connection in steady use past its age limit is closed between answers with 'connection: close', never mid-request", async () => {
  // headerTimeoutMs 200 → age limit 1.2 s; a request every 100 ms for 2 s on one connection
  await withService({ headerTimeoutMs: 200 }, async (port) => {
    const started = performance.now();
    let endedByServer = false;
    const text = await rawExchange(port, async (s) => {
      while (performance.now() - started < 2000 && !s.readableEnded && !s.destroyed) {
        s.write(`GET /${CONFIG} HTTP/1.1\r\nhost: x\r\n\r\n`);
        await new Promise((r) => setTimeout(r, 100));
      }
      endedByServer = s.readableEnded;
      s.end();
    });
    const answers = statuses(text);
    assert.ok(answers.length >= 10, `answers before the age limit: ${answers.length}`);
    assert.ok(answers.every((st) => st === 200));
    // every answer but the last keeps the connection; the last one says close
    const connection = [...text.matchAll(/connection: ([a-z-]+)/g)].map((m) => m[1]);
    assert.deepEqual(connection.slice(0, -1), Array(answers.length - 1).fill("keep-alive"));
    assert.equal(connection.at(-1), "close");
    // the server ended the connection after that answer, before the client stopped sending
    assert.ok(endedByServer, "the server closed the connection");
  });
});

test("the keep-alive header promises less idle time than the server allows, so a slow client stops reusing first", async () => {
  await withService({}, async (port) => {
    const text = await rawExchange(port, (s) => {
      s.end(`GET /${CONFIG} HTTP/1.1\r\nhost: x\r\n\r\n`);
    });
    const promised = Number(/keep-alive: timeout=(\d+)/.exec(text)?.[1]);
    assert.ok(promised >= 1 && promised * 1000 <= KEEP_ALIVE_IDLE_MS - 2000, `promised ${promised} s, idle limit ${KEEP_ALIVE_IDLE_MS} ms`);
  });
});
