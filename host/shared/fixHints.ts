// Every command cnfguard prints as a fix, in one place, so a test can run each one (issue 11:
// "every printed fix must be a command that runs"). A hint is the argv a person would type;
// `text` renders it for a message, quoted for a POSIX shell. Messages elsewhere never spell
// a cnfguard command themselves: they call one of these.

export interface FixHint {
  /** the arguments after `cnfguard` */
  argv: string[];
  /** `cnfguard …` as a shell line */
  text: string;
}

function hint(...argv: string[]): FixHint {
  return { argv, text: ["cnfguard", ...argv.map(shellWord)].join(" ") };
}

/** A word as a shell reads it back unchanged. */
function shellWord(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word;
  if (!/["$`\\!]/.test(word)) return `"${word}"`;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export const fixHints = {
  /** a data folder that does not exist yet */
  initDataFolder: (dataDir: string) => hint("server", "init", "--data", dataDir),
  /** make the ITLRecovery key of a folder made before it existed */
  initRecovery: (dataDir: string) => hint("server", "init-recovery", "--data", dataDir),
  /** schedule a CAPF operation for a device */
  scheduleCapf: (device: string, operation: "install" | "fetch" | "delete" = "install") => hint("device", "capf", device, operation),
  /** what the server recorded for a device's certificate */
  showRecordedHash: (device: string) => hint("sql", `select md5hash,name,capfoperation from device where name='${device}'`),
  /** the profile a device uses (the phone does not know it) */
  showProfile: (device: string) =>
    hint("sql", `select d.name, p.name as profile from device d join phonesecurityprofile p on p.pkid = d.fkphonesecurityprofile where d.name='${device}'`),
  /** tick TFTP Encrypted Config on a profile */
  encryptConfigs: (profile: string) => hint("profile", "edit", profile, "--tftp-encrypted-config"),
  /** the services, on free ports if the standard ones are taken */
  startServer: () => hint("server", "start"),
  /** the phone security profiles the server has */
  listProfiles: () => hint("profile", "list"),
  /** the devices the server knows */
  listDevices: () => hint("device", "list"),
  /** check a signed file against the phone's trust list */
  verifyWithTrustList: (file: string) => hint("verify", file, "--itl", "ITLFile.tlv"),
} as const;
