// The admin pages' templates (Eta: every <%= %> is HTML-escaped; <%~ %> only inserts what
// another template rendered). Plain server-rendered HTML: no script at all, so the
// Content-Security-Policy can forbid every script. Labels are CUCM's words: a control's
// accessible name is its label, and tests find controls by it.
import { Eta } from "eta";

const LAYOUT = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><%= it.title %> — cnfguard administration</title>
<link rel="stylesheet" href="/admin.css">
</head>
<body>
<header>
<a class="brand" href="/">cnfguard administration</a>
<% if (it.user) { %>
<nav aria-label="Menu">
<% for (const m of it.menu) { %><a href="<%= m.href %>"<% if (m.current) { %> aria-current="page"<% } %>><%= m.label %></a>
<% } %>
</nav>
<form class="logout" method="post" action="/logout"><input type="hidden" name="csrf" value="<%= it.csrf %>"><span><%= it.user %></span> <button>Logout</button></form>
<% } %>
</header>
<main>
<h1><%= it.title %></h1>
<% if (it.notice) { %><p class="notice" role="status"><%= it.notice %></p><% } %>
<% if (it.error) { %><p class="error" role="alert"><%= it.error %></p><% } %>
<%~ it.body %>
</main>
</body>
</html>
`;

/** A labelled select: { id, label, name, options: [{value,label}], selected } */
const SELECT = `<div class="field"><label for="<%= it.id %>"><%= it.label %></label>
<select id="<%= it.id %>" name="<%= it.name %>"<% if (it.disabled) { %> disabled<% } %>>
<% for (const o of it.options) { %><option value="<%= o.value %>"<% if (String(o.value) === String(it.selected)) { %> selected<% } %>><%= o.label %></option>
<% } %></select></div>
`;

/** A labelled text input: { id, label, name, value, readonly, type, required, maxlength, step, hint } */
const INPUT = `<div class="field"><label for="<%= it.id %>"><%= it.label %></label>
<input id="<%= it.id %>" name="<%= it.name %>" type="<%= it.type ?? "text" %>" value="<%= it.value ?? "" %>"<% if (it.readonly) { %> readonly<% } %><% if (it.required) { %> required<% } %><% if (it.step) { %> step="<%= it.step %>"<% } %> maxlength="<%= it.maxlength ?? 200 %>"<% if (it.hint) { %> aria-describedby="<%= it.id %>-hint"<% } %>>
<% if (it.hint) { %><small id="<%= it.id %>-hint" class="hint"><%= it.hint %></small><% } %></div>
`;

/** A table: { caption, columns: string[], rows: Array<Array<string | {text, href}>>, empty, className } */
const TABLE = `<div class="scroll"><table<% if (it.className) { %> class="<%= it.className %>"<% } %>>
<% if (it.caption) { %><caption><%= it.caption %></caption><% } %>
<thead><tr><% for (const c of it.columns) { %><th scope="col"><%= c %></th><% } %></tr></thead>
<tbody>
<% if (it.rows.length === 0) { %><tr><td colspan="<%= it.columns.length %>"><%= it.empty ?? "None" %></td></tr><% } %>
<% for (const row of it.rows) { %><tr><% for (const cell of row) { %><td><% if (cell && typeof cell === "object") { %><a href="<%= cell.href %>"><%= cell.text %></a><% } else { %><%= cell ?? "" %><% } %></td><% } %></tr>
<% } %></tbody>
</table></div>
`;

/** The saved record as text: { saved: Array<[label, value]> } */
const SAVED = `<% if (it.saved) { %><section class="saved" aria-label="Saved"><h2>Saved</h2><dl>
<% for (const [k, v] of it.saved) { %><dt><%= k %></dt><dd><%= v %></dd>
<% } %></dl></section><% } %>
`;

const LOGIN = `<form method="post" action="/login" class="card">
<input type="hidden" name="csrf" value="<%= it.loginToken %>">
<%~ include("@input", { id: "username", label: "User Name", name: "username", value: it.username, required: true, maxlength: 64 }) %>
<%~ include("@input", { id: "password", label: "Password", name: "password", type: "password", required: true, maxlength: 1024 }) %>
<div class="buttons"><button type="submit">Login</button></div>
</form>
`;

const SEARCH = `<form method="get" action="<%= it.action %>" class="search" role="search">
<label for="search"><%= it.label %></label>
<input id="search" name="search" type="search" value="<%= it.search %>" maxlength="64">
<button type="submit">Find</button>
<a class="button" href="<%= it.addHref %>">Add New</a>
</form>
`;

const PROFILE_LIST = `<%~ include("@search", it.searchBox) %>
<%~ include("@table", it.table) %>
`;

const KEY_FIELDS = `<%~ include("@select", { id: "keyorder", label: "Key Order", name: "keyorder", options: it.keyOrders, selected: it.keyOrder }) %>
<%~ include("@select", { id: "keysize", label: "Key Size (Bits)", name: "keysize", options: it.keySizes, selected: it.keySize }) %>
<%~ include("@select", { id: "eckeysize", label: "EC Key Size (Bits)", name: "eckeysize", options: it.curves, selected: it.curve }) %>
`;

const PROFILE_FORM = `<%~ include("@saved", it) %>
<form method="post" action="/phonesecurityprofile/save" class="card">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="original" value="<%= it.original %>">
<fieldset><legend>Phone Security Profile Information</legend>
<%~ include("@input", { id: "name", label: "Name", name: "name", value: it.p.name, readonly: it.original !== "", required: true, maxlength: 50 }) %>
<%~ include("@input", { id: "description", label: "Description", name: "description", value: it.p.description, maxlength: 200 }) %>
<%~ include("@input", { id: "producttype", label: "Product Type", name: "producttype", value: it.p.producttype, required: true, maxlength: 50 }) %>
<%~ include("@select", { id: "deviceprotocol", label: "Device Protocol", name: "deviceprotocol", options: it.protocols, selected: it.p.deviceprotocol }) %>
<%~ include("@select", { id: "devicesecuritymode", label: "Device Security Mode", name: "devicesecuritymode", options: it.securityModes, selected: it.p.devicesecuritymode }) %>
<div class="field check"><input id="tftpencryptedconfig" name="tftpencryptedconfig" type="checkbox" value="on"<% if (it.p.tftpencryptedconfig) { %> checked<% } %>><label for="tftpencryptedconfig">TFTP Encrypted Config</label></div>
</fieldset>
<fieldset><legend>Phone Security Profile CAPF Information</legend>
<%~ include("@select", { id: "capfauthmode", label: "Authentication Mode", name: "capfauthmode", options: it.authModes, selected: it.p.capfauthmode }) %>
<%~ include("@keyfields", it.key) %>
<%~ include("@select", { id: "signinghash", label: "Signing Hash", name: "signinghash", options: it.hashes, selected: it.p.signinghash }) %>
</fieldset>
<div class="buttons"><button type="submit" name="action" value="save">Save</button>
<% if (it.original !== "") { %><button type="submit" formaction="/phonesecurityprofile/copy">Copy</button>
<button type="submit" formaction="/phonesecurityprofile/delete" class="danger">Delete</button><% } %>
</div>
</form>
`;

const PHONE_LIST = `<%~ include("@search", it.searchBox) %>
<p class="count"><%= it.showing %></p>
<%~ include("@table", it.table) %>
<nav class="pages" aria-label="Pages"><% if (it.previous) { %><a href="<%= it.previous %>">Previous</a><% } %> <% if (it.next) { %><a href="<%= it.next %>">Next</a><% } %></nav>
`;

const PHONE_FORM = `<%~ include("@saved", it) %>
<form method="post" action="/phone/save" class="card">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="original" value="<%= it.original %>">
<fieldset><legend>Device Information</legend>
<%~ include("@input", { id: "devicename", label: "Device Name", name: "devicename", value: it.d.name, readonly: it.original !== "", required: true, maxlength: it.nameMax, hint: it.original === "" ? it.nameHint : undefined }) %>
<%~ include("@input", { id: "description", label: "Description", name: "description", value: it.d.description, maxlength: 128 }) %>
<%~ include("@select", { id: "profile", label: "Device Security Profile", name: "profile", options: it.profiles, selected: it.d.profile }) %>
<% if (it.d.md5hash !== undefined) { %><%~ include("@input", { id: "md5hash", label: "Certificate MD5 (md5hash)", name: "md5hash_shown", value: it.d.md5hash || "none recorded", readonly: true }) %><% } %>
</fieldset>
<fieldset><legend>CAPF Information</legend>
<%~ include("@select", { id: "certificateoperation", label: "Certificate Operation", name: "certificateoperation", options: it.operations, selected: it.d.operation }) %>
<%~ include("@select", { id: "capfauthmode", label: "Authentication Mode", name: "capfauthmode", options: it.authModes, selected: it.d.authMode }) %>
<div class="field"><label for="authenticationstring">Authentication String</label>
<div class="inline"><input id="authenticationstring" name="authenticationstring" type="text" inputmode="numeric" value="<%= it.d.authString %>" maxlength="16">
<button type="submit" name="action" value="generate">Generate String</button></div></div>
<%~ include("@keyfields", it.key) %>
<%~ include("@input", { id: "operationcompletesby", label: "Operation Completes By", name: "operationcompletesby", type: "datetime-local", value: it.d.completesBy, step: 1, maxlength: 40, hint: "UTC; empty: 7 days from Save, as 'device capf' without --until" }) %>
<%~ include("@input", { id: "certificateoperationstatus", label: "Certificate Operation Status", name: "status_shown", value: it.d.status, readonly: true }) %>
</fieldset>
<div class="buttons"><button type="submit" name="action" value="save">Save</button></div>
</form>
`;

const REPORTS = `<form method="get" action="/reports" class="search">
<label for="days">LSC expiring within (days)</label>
<input id="days" name="days" type="number" min="0" max="99999" value="<%= it.days %>">
<button type="submit">Show</button>
</form>
<% for (const rep of it.reports) { %><section id="report-<%= rep.id %>" aria-labelledby="heading-<%= rep.id %>"><h2 id="heading-<%= rep.id %>"><%= rep.heading %></h2>
<p class="detail"><%= rep.what %> — the same rows as <code><%= rep.command %></code></p>
<%~ include("@table", rep.table) %></section>
<% } %>
`;

const SQL = `<form method="post" action="/sql" class="card">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<div class="field"><label for="query">Query</label>
<textarea id="query" name="query" rows="4" maxlength="10000"><%= it.query %></textarea></div>
<div class="buttons"><button type="submit">Execute</button></div>
</form>
<% if (it.result) { %><%~ include("@table", it.result) %><% } %>
`;

const TROUBLESHOOTING = `<p>Choose a device to see the server's side of the troubleshooting checklist and its timeline.</p>
<ul class="devices"><% for (const d of it.devices) { %><li><a href="<%= d.href %>"><%= d.name %></a></li>
<% } %></ul>
<% if (it.devices.length === 0) { %><p>No devices yet: add one on the Phone page.</p><% } %>
`;

const CHECKLIST = `<section><h2>Checklist</h2><ul class="checks">
<% for (const c of it.checks) { %><li class="<%= c.ok ? "ok" : "bad" %>"><strong><%= c.ok ? "OK" : "Problem" %></strong> <%= c.title %>: <%= c.detail %></li>
<% } %></ul></section>
<section><h2>Timeline</h2>
<ol class="timeline">
<% for (const e of it.timeline) { %><li class="<%= e.outcome %>"><time><%= e.at %></time> <span class="transport"><%= e.transport %></span> <strong><%= e.summary %></strong> <span class="detail"><%= e.detail %></span> <span class="remote">from <%= e.remote %></span>
<% if (e.steps) { %><ol class="steps"><% for (const s of e.steps) { %><li><%= s %></li><% } %></ol><% } %></li>
<% } %></ol>
<% if (it.timeline.length === 0) { %><p>Nothing recorded yet: the phone has not asked this server for a file or a CAPF session.</p><% } %>
</section>
`;

const MESSAGE = `<p><a href="<%= it.href %>"><%= it.link %></a></p>
`;

const TEMPLATES: Record<string, string> = {
  "@layout": LAYOUT,
  "@select": SELECT,
  "@input": INPUT,
  "@table": TABLE,
  "@saved": SAVED,
  "@search": SEARCH,
  "@keyfields": KEY_FIELDS,
  "@login": LOGIN,
  "@profileList": PROFILE_LIST,
  "@profileForm": PROFILE_FORM,
  "@phoneList": PHONE_LIST,
  "@phoneForm": PHONE_FORM,
  "@reports": REPORTS,
  "@sql": SQL,
  "@troubleshooting": TROUBLESHOOTING,
  "@checklist": CHECKLIST,
  "@message": MESSAGE,
};

export type PageName =
  | "@login"
  | "@profileList"
  | "@profileForm"
  | "@phoneList"
  | "@phoneForm"
  | "@reports"
  | "@sql"
  | "@troubleshooting"
  | "@checklist"
  | "@message";

const eta = new Eta({ autoEscape: true, useWith: false, cache: true });
for (const [name, text] of Object.entries(TEMPLATES)) eta.loadTemplate(name, text);

/** The frame every page shares: title, menu (when signed in), notices. */
export interface Frame {
  title: string;
  user?: string;
  csrf?: string;
  current?: string;
  notice?: string;
  error?: string;
}

export const MENU = [
  { label: "Phone Security Profile", href: "/phonesecurityprofile" },
  { label: "Phone", href: "/phone" },
  { label: "Reports", href: "/reports" },
  { label: "SQL", href: "/sql" },
  { label: "Troubleshooting", href: "/troubleshooting" },
] as const;

/** A whole page: the named template inside the layout. */
export function renderPage(page: PageName, frame: Frame, data: object): string {
  const body = eta.render(page, { ...data, csrf: frame.csrf });
  const menu = MENU.map((m) => ({ ...m, current: frame.current === m.href }));
  return eta.render("@layout", { ...frame, menu, body });
}
