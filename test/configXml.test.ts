// The config XML codec both ways: what the server writes (partial and full config) the phone
// reads back field for field; the capfAuthMode numbers are formats.md §4's (written out here,
// independently of the vocabulary table); the peer's plain configs read as the peer wrote them.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { readPhoneConfig } from "../host/phone/phoneConfig.js";
import type { Device } from "../host/server/deviceStore.js";
import { fullConfigXml } from "../host/server/fullConfig.js";
import { partialConfigXml } from "../host/server/partialConfig.js";
import { defaultProfile, type SecurityProfile } from "../host/server/profileStore.js";
import { CAPF_AUTH_MODES, type CapfAuthMode, capfAuthModeFromNumber, parseCapfAuthMode } from "../host/shared/capfVocabulary.js";
import { partialConfigXml as writePartialConfig } from "../host/shared/configXml.js";

/** formats.md §4, as the document words it. */
const FORMATS_MD_NUMBER: Record<CapfAuthMode, number> = { string: 1, null: 2, lsc: 3, mic: 4 };

function device(mode: CapfAuthMode, md5hash: string | null, encrypted: boolean): Device {
  const profile: SecurityProfile = { ...defaultProfile("p"), pkid: 1, tftpencryptedconfig: encrypted, capfauthmode: mode };
  return {
    name: "SEPA45630BBFA40",
    description: "Line <1> & 'two'",
    profile,
    md5hash,
    certificate: null,
    publickey: null,
    capfoperation: "none",
    capfauthmode: mode,
    authenticationstring: null,
    keysize: 2048,
    keycurve: null,
    loadinformation: "SIP42.9-4-2SR3-1S",
    directorynumber: "1000",
    sipauthname: "a&b",
    sippassword: "p<w>d",
    sshuserid: "admin",
    sshpassword: "s'e\"cret",
    capfoperationdeadline: null,
    certificateOperationStatus: "none",
    certificateoperationstatusat: null,
    lscnotbefore: null,
    lscnotafter: null,
  };
}

test("partial config: every mode, certHash and an awkward host name survive the round trip", () => {
  const at = { host: `cucm&<pub>."x"`, capfPort: 3805 };
  for (const mode of CAPF_AUTH_MODES) {
    for (const hash of [null, "0123456789abcdef0123456789abcdef"]) {
      const xml = partialConfigXml(device(mode, hash, true), at);
      assert.match(xml, new RegExp(`<capfAuthMode>${FORMATS_MD_NUMBER[mode]}</capfAuthMode>`), `${mode} is written as formats.md numbers it`);
      assert.ok(xml.includes("<processNodeName>cucm&amp;&lt;pub&gt;.&quot;x&quot;</processNodeName>"), "the host is escaped");
      const view = readPhoneConfig(xml);
      assert.deepEqual(view, {
        full: false,
        capfAuthModeNumber: FORMATS_MD_NUMBER[mode],
        capfAuthMode: mode,
        capfList: [{ host: at.host, port: 3805 }],
        certHash: hash ?? "",
        encrConfig: true,
      });
    }
  }
});

test("partial config: several CAPF entries, in order, and the shared writer's fields come back", () => {
  const fields = {
    loadInformation: "load & <go>",
    capfAuthMode: "mic" as const,
    capfList: [
      { host: "a.example", port: 3804 },
      { host: "b.example", port: 13804 },
    ],
    certHash: "ffeeddccbbaa99887766554433221100",
  };
  const view = readPhoneConfig(writePartialConfig(fields));
  assert.equal(view.capfAuthMode, fields.capfAuthMode);
  assert.deepEqual(view.capfList, fields.capfList);
  assert.equal(view.certHash, fields.certHash);
  assert.equal(view.full, false);
});

test("full config: read back as full, with its mode, CAPF entry and encrConfig", () => {
  for (const mode of CAPF_AUTH_MODES) {
    for (const encrypted of [false, true]) {
      const view = readPhoneConfig(fullConfigXml(device(mode, null, encrypted), { host: "10.48.46.4", capfPort: 3804 }));
      assert.equal(view.full, true);
      assert.equal(view.capfAuthMode, mode);
      assert.equal(view.capfAuthModeNumber, FORMATS_MD_NUMBER[mode]);
      assert.deepEqual(view.capfList, [{ host: "10.48.46.4", port: 3804 }]);
      assert.equal(view.encrConfig, encrypted);
    }
  }
});

test("the peer's plain configs: full, capfAuthMode 0 read as by null string, CAPF at 127.0.0.1:3804", () => {
  for (const name of ["SEP58971ECC97C1", "SEPA45630BBFA40"]) {
    const view = readPhoneConfig(readFileSync(`vectors/peer/plain/${name}.cnf.xml`, "utf8"));
    assert.equal(view.full, true, name);
    assert.equal(view.capfAuthModeNumber, 0, name);
    assert.equal(view.capfAuthMode, "null", name);
    assert.deepEqual(view.capfList, [{ host: "127.0.0.1", port: 3804 }], name);
  }
});

test("capfAuthMode numbers and CUCM's words name the same modes", () => {
  for (const mode of CAPF_AUTH_MODES) assert.equal(capfAuthModeFromNumber(FORMATS_MD_NUMBER[mode]), mode);
  assert.equal(capfAuthModeFromNumber(0), "null");
  assert.equal(capfAuthModeFromNumber(5), undefined);
  assert.equal(parseCapfAuthMode("By Null String"), "null");
  assert.equal(parseCapfAuthMode("by authentication string"), "string");
  assert.equal(parseCapfAuthMode("By Existing Certificate (Precedence to LSC)"), "lsc");
  assert.equal(parseCapfAuthMode("By Existing Certificate (Precedence to MIC)"), "mic");
  assert.equal(parseCapfAuthMode("4"), "mic");
  assert.equal(parseCapfAuthMode("by password"), undefined);
});
