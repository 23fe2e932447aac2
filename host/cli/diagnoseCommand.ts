// `cnfguard diagnose`: the seed's troubleshooting checklist, run as the phone.

import { CHECK_NAMES, diagnose } from "../phone/diagnose.js";
import { type Command, Exit, parse } from "./common.js";
import { PHONE_OPTIONS, PHONE_USAGE, phoneOptions, waitingProgress } from "./phoneCommand.js";

const help = `usage: cnfguard diagnose ${PHONE_USAGE}

Runs the encrypted-config checklist (flow.md) as the phone with state folder DIR (created when missing),
in this order: ${CHECK_NAMES.join(", ")}.
Each check prints ok/FAIL and its evidence; a failed one says what was expected, what was seen and the
likely fix; checks after a failure are skipped. --json prints {"ok", "checks":[{name, ok, evidence, …}]},
a skipped check with "skipped": true, a failed one with the boot flow's "failure" name when it has one.
Nothing is enrolled or stored (a new folder only gets its MIC). Exit 0 only when every check passes,
1 when one fails, 3 when the server cannot be reached or --timeout SECONDS passes first (the checks
not run are reported as skipped).`;

export const command: Command = {
  summary: "run the encrypted-config troubleshooting checklist as a phone",
  help,
  options: PHONE_OPTIONS,
  async run(argv) {
    const { values } = parse(argv, PHONE_OPTIONS, false);
    const options = phoneOptions(values);
    const progress = waitingProgress(options.deadlineMs);
    const report = await diagnose(options).finally(progress.stop);
    if (values.json) {
      process.stdout.write(JSON.stringify({ ok: report.ok, checks: report.checks }) + "\n");
    } else {
      for (const c of report.checks) {
        process.stdout.write(`${c.ok ? "ok  " : "FAIL"} ${c.name.padEnd(16)} ${c.evidence}\n`);
        if (c.expected) process.stdout.write(`     expected: ${c.expected}\n     seen:     ${c.seen}\n     fix:      ${c.fix}\n`);
      }
    }
    if (report.timedOut) process.stderr.write(`cnfguard diagnose: timeout: not done within --timeout ${values.timeout} s\n`);
    return report.ok ? Exit.OK : report.unreachable ? Exit.IO : Exit.FAILED;
  },
};
