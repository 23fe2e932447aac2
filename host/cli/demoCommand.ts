// `cnfguard demo`: the same run as `npm start` (host/demo/demo.ts).

import { runDemo } from "../demo/demo.js";
import { type Command, parse } from "./common.js";

const OPTIONS = { keep: { type: "boolean" } } as const;

export const command: Command = {
  summary: "run the whole seed end to end on loopback",
  help: `usage: cnfguard demo [--keep]

Makes a fresh data folder (SQLite database, lab PKI), a profile with TFTP Encrypted Config and a phone
assigned to it, starts the server on free ports of 127.0.0.1, and boots a new phone through
trust list → partial config → CAPF → reset → encrypted config, printing each step, the decrypted
config's outline (secrets masked) and the device's md5hash row. Removes what it made, unless --keep:
then it says where the data folder and the phone's state folder are (npm start -- --keep does the same).
Exit 0 on success.`,
  options: OPTIONS,
  async run(argv) {
    const { values } = parse(argv, OPTIONS, false);
    return runDemo(undefined, { keep: values.keep });
  },
};
