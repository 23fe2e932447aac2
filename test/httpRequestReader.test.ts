// The port-6970 request reader on its own: complete heads handed out in order however the
// bytes arrive, and every malformed or oversized head refused with the status RFC 9112 names.

import assert from "node:assert/strict";
import { test } from "node:test";
import { HttpRequestReader, MAX_HEAD_BYTES, MAX_HEADERS, type ReadResult } from "../host/server/httpRequestReader.js";

function read(...chunks: (string | Buffer)[]): ReadResult[] {
  const reader = new HttpRequestReader();
  const out: ReadResult[] = [];
  for (const c of chunks) {
    reader.push(typeof c === "string" ? Buffer.from(c, "latin1") : c);
    for (let r = reader.next(); ; r = reader.next()) {
      out.push(r);
      if (r.kind !== "request") break;
    }
  }
  return out;
}

const requests = (rs: ReadResult[]) => rs.filter((r) => r.kind === "request").map((r) => (r.kind === "request" ? r.head : null));
const refusal = (rs: ReadResult[]) => rs.find((r) => r.kind === "refused");

test("a GET split into single bytes is read once, when its blank line arrives", () => {
  const text = "GET /SEP001122334455.cnf.xml HTTP/1.1\r\nHost: 10.0.0.1:6970\r\nUser-Agent: phone\r\n\r\n";
  const rs = read(...[...text].map((c) => c));
  assert.equal(rs.filter((r) => r.kind === "request").length, 1);
  assert.equal(rs.at(-2)?.kind, "request", "handed out with the last byte, not before");
  assert.deepEqual(requests(rs)[0], { method: "GET", target: "/SEP001122334455.cnf.xml", version: "1.1", keepAlive: true, hasBody: false });
});

test("pipelined requests in one segment come out in order; bare LF line ends are accepted", () => {
  const rs = read("GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\nHost: x\n\nGET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /d");
  assert.deepEqual(
    requests(rs).map((h) => [h?.method, h?.target, h?.keepAlive]),
    [
      ["GET", "/a", true],
      ["HEAD", "/b", true],
      ["GET", "/c", false],
    ],
  );
  assert.equal(rs.at(-1)?.kind, "more", "the unfinished fourth waits");
});

test("keep-alive follows the version and the Connection header", () => {
  const alive = (text: string) => requests(read(text))[0]?.keepAlive;
  assert.equal(alive("GET / HTTP/1.0\r\n\r\n"), false);
  assert.equal(alive("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), true);
  assert.equal(alive("GET / HTTP/1.1\r\nHost: x\r\nConnection: TE, close\r\n\r\n"), false);
  assert.equal(alive("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), true);
  const withBody = requests(read("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"))[0];
  assert.equal(withBody?.hasBody, true);
  assert.equal(withBody?.keepAlive, false, "a body is never read, so the connection cannot go on");
});

test("malformed heads are refused with 400 and a reason", () => {
  const cases: Array<[string, RegExp]> = [
    ["GET /a\r\n\r\n", /METHOD TARGET VERSION/],
    ["GET  /a HTTP/1.1\r\nHost: x\r\n\r\n", /METHOD TARGET VERSION/],
    ["G(T /a HTTP/1.1\r\nHost: x\r\n\r\n", /method/],
    ["GET /a HTTQ/1.1\r\nHost: x\r\n\r\n", /version/],
    ["GET /a\x01b HTTP/1.1\r\nHost: x\r\n\r\n", /control character/],
    ["GET /a\x7f HTTP/1.1\r\nHost: x\r\n\r\n", /control character/],
    ["GET /a HTTP/1.1\r\n\r\n", /without Host/],
    ["GET /a HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", /folded/],
    ["GET /a HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", /field name/],
    ["GET /a HTTP/1.1\r\nHost : x\r\n\r\n", /field name/],
    ["GET /a HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n", /control character/],
    ["GET /a HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", /twice/],
    ["GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", /not a number/],
    ["GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", /both/],
  ];
  for (const [text, reason] of cases) {
    const r = refusal(read(text));
    assert.equal(r?.kind === "refused" && r.status, 400, JSON.stringify(text));
    assert.match(r?.kind === "refused" ? r.reason : "", reason, JSON.stringify(text));
  }
  const v2 = refusal(read("GET /a HTTP/2.0\r\nHost: x\r\n\r\n"));
  assert.equal(v2?.kind === "refused" && v2.status, 505);
});

test("non-ASCII bytes in the target pass through as latin1 (they name no file; the service escapes them in its log)", () => {
  const head = requests(read(Buffer.concat([Buffer.from("GET /SEP\xe9\xff HTTP/1.1\r\nHost: x\r\n\r\n", "latin1")])))[0];
  assert.equal(head?.target, "/SEP\xe9\xff");
});

test("an endless request line is refused with 414, endless headers with 431, too many header lines with 431", () => {
  const longLine = read(`GET /${"a".repeat(MAX_HEAD_BYTES)}`);
  assert.equal(longLine.at(-1)?.kind === "refused" && (longLine.at(-1) as { status: number }).status, 414);
  const longHead = read("GET /a HTTP/1.1\r\nHost: x\r\n", ...Array.from({ length: 200 }, () => `X-Pad: ${"p".repeat(60)}\r\n`));
  const r = refusal(longHead);
  assert.equal(r?.kind === "refused" && r.status, 431);
  const many = refusal(read(`GET /a HTTP/1.1\r\nHost: x\r\n${"A: b\r\n".repeat(MAX_HEADERS)}\r\n`));
  assert.equal(many?.kind === "refused" && many.status, 431);
  const complete = refusal(read(`GET /a HTTP/1.1\r\nHost: x\r\nX: ${"q".repeat(MAX_HEAD_BYTES)}\r\n\r\n`));
  assert.equal(complete?.kind === "refused" && complete.status, 431, "a head that arrives whole but too long is refused too");
});

test("the reader never holds much more than one bounded head", () => {
  const reader = new HttpRequestReader();
  let refused = false;
  for (let i = 0; i < 1000 && !refused; i++) {
    reader.push(Buffer.alloc(1000, 0x61));
    refused = reader.next().kind === "refused";
    assert.ok(reader.buffered <= MAX_HEAD_BYTES + 1000);
  }
  assert.ok(refused);
});
