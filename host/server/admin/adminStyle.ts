// The one stylesheet (served as /admin.css: the CSP allows styles from here only). Plain and
// readable: system fonts, one column on a narrow window, forms two columns from 720 px.
export const ADMIN_CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f6f8}
header{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;padding:.6rem 1rem;background:#0d274d;color:#fff}
header a{color:#fff;text-decoration:none}
.brand{font-weight:600;margin-right:.5rem}
nav a{display:inline-block;padding:.25rem .5rem;border-radius:4px}
nav a:hover,nav a[aria-current=page]{background:#2a4c80}
.logout{margin-left:auto;display:flex;gap:.5rem;align-items:center}
.logout button{background:transparent;color:#fff;border:1px solid #8aa4c8}
main{max-width:1200px;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.25rem 0 1rem}
h2{font-size:1.1rem;margin:1.25rem 0 .5rem}
.card,fieldset{background:#fff;border:1px solid #d5dbe2;border-radius:6px;padding:1rem;margin:0 0 1rem}
legend{font-weight:600;padding:0 .25rem}
.field{display:grid;gap:.25rem;margin:.5rem 0}
@media (min-width:720px){.field{grid-template-columns:16rem 1fr;align-items:center}.field .hint{grid-column:2}}
.hint{color:#555;font-size:.85em}
.field.check{display:flex;gap:.5rem}
input,select,textarea,button,.button{font:inherit}
input[type=text],input[type=password],input[type=search],input[type=datetime-local],input[type=number],select,textarea{width:100%;max-width:32rem;padding:.35rem .45rem;border:1px solid #9aa5b1;border-radius:4px;background:#fff}
input[readonly]{background:#eef1f4;color:#333}
textarea{max-width:none;font-family:ui-monospace,Menlo,Consolas,monospace}
.inline{display:flex;gap:.5rem;max-width:32rem;align-items:center}
.inline button{white-space:nowrap}
button,.button{display:inline-block;padding:.35rem .9rem;border:1px solid #0d5bd7;border-radius:4px;background:#0d5bd7;color:#fff;cursor:pointer;text-decoration:none}
button.danger{background:#b3261e;border-color:#b3261e}
.buttons{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:.75rem}
.search{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin-bottom:1rem}
.search input{max-width:20rem}
.search input[type=number]{max-width:7rem}
.scroll{overflow-x:auto;background:#fff;border:1px solid #d5dbe2;border-radius:6px}
table{border-collapse:collapse;width:100%}
caption{text-align:left;padding:.5rem .75rem;color:#555}
th,td{padding:.4rem .75rem;border-top:1px solid #e3e7eb;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#eef1f4;font-weight:600}
table.report th,table.report td{white-space:nowrap;overflow-wrap:normal}
.notice{background:#e7f3e8;border:1px solid #9fd0a4;padding:.5rem .75rem;border-radius:4px}
.error{background:#fdecea;border:1px solid #f1a7a0;padding:.5rem .75rem;border-radius:4px}
.saved dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;background:#fff;border:1px solid #9fd0a4;border-radius:6px;padding:.75rem 1rem;margin:0 0 1rem}
.saved dt{font-weight:600}.saved dd{margin:0;overflow-wrap:anywhere}
.pages{display:flex;gap:1rem;margin:.75rem 0}
.checks,.timeline{list-style:none;padding:0;margin:0}
.checks li,.timeline>li{background:#fff;border:1px solid #d5dbe2;border-left:4px solid #2e7d32;border-radius:4px;padding:.5rem .75rem;margin:.35rem 0;overflow-wrap:anywhere}
.checks li.bad,.timeline>li.refused,.timeline>li.failed{border-left-color:#b3261e}
.timeline time,.transport{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;color:#444}
.transport{text-transform:uppercase;margin:0 .35rem}
.detail,.remote{color:#444}
.steps{margin:.35rem 0 0;padding-left:1.25rem;font-size:.9em;color:#333}
.devices{columns:14rem;padding-left:1.25rem}
`;
