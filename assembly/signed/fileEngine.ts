// The streaming file engine, in the style of a BearSSL engine: begin(mode), then
// feed chunks of any size through IN, then finish. Each feed reports events and
// places provisional output at OUT; finish returns OK (verified / installed /
// parsed) or the named rejection. Memory never grows with the file: the header
// reader, the record reader and the decryptor each keep a few fixed buffers.
import {
  OK, E_ARGUMENT, E_STATE, E_TRUNCATED, E_ELEMENT_OVERRUNS_FILE, E_BODY_LENGTH, E_NO_TRUST_LIST,
  E_SIGNATURE_LENGTH, E_BAD_SIGNATURE, E_KEY_MISMATCH, E_CONTENT_HASH, E_TRUST_LIST_SELF,
  E_TRUST_LIST_NOT_KNOWN_SAST, E_RECORD_OVERRUN, E_NOT_TRUST_LIST, E_NOT_SIGNED_FILE,
  E_FILE_TOO_LARGE, E_RSA_NO_PRIVATE_KEY, E_RSA_SIGNATURE_LENGTH,
} from "../status";
import { IN, IN_CAP, OUT, setReg } from "../memoryMap";
import { rsaPublicModulusBytes, rsaVerifyPkcs1 } from "../rsa/rsaPublicKey";
import { rsaPrivateModulusBytes, rsaDecryptImplicit } from "../rsa/rsaPrivateKey";
import {
  MODE_CONFIG, MODE_TRUST_INSTALL, MODE_TRUST_CHECK, MODE_INSPECT, MODE_CONFIG_VERIFY, MODE_LAST,
  EVENT_HEADER_READY, EVENT_OUTPUT, EVENT_DONE, REG_EVENTS, REG_OUT_LENGTH, REG_SIGNATURE_STATUS,
  REG_SIGNER_INDEX, REG_SIGNER_BANK, REG_RECORD_COUNT, ROLE_SAST, ROLE_CCM_TFTP, ROLE_TFTP,
} from "./engineModes";
import {
  field, F_VERSION, F_HASH_ALGORITHM, F_SIGNATURE_LENGTH, F_SERIAL_LENGTH, F_PADDING,
  F_WRAPPED_KEY_LENGTH, F_CONTENT_HASH_ALGORITHM, F_CONTENT_HASH_LENGTH,
  SERIAL, SIGNATURE, IV, WRAPPED_KEY, CONTENT_HASH,
} from "./headerFields";
import { headerStart, headerRead, headerConsumed, headerComplete, headerInsideElement } from "./signedHeader";
import { signatureHashStart, signatureHashUpdate, signatureHashChoose, signatureHashFinal, SIGNED_DIGEST } from "./signatureHash";
import { recordsStart, recordsRead, recordsAtBoundary } from "./trustListReader";
import {
  BANK_INSTALLED, BANK_PARSED, storeCount, storeSlot, storeResetParsed, storeInstallParsed,
  storeFindSigner, storeFoundIndex,
} from "./trustStore";
import { R_KEY } from "./trustRecord";
import { VERSION_ENCRYPTED, VERSION_TRUST_LIST } from "./tags";
import { SESSION_KEY, cipherStart, cipherRead, cipherFinish, cipherFinalLength, cipherContentMatches } from "./encryptedBody";


// Session states.
const S_IDLE: u32 = 0;
const S_HEADER: u32 = 1;
const S_BODY: u32 = 2;
const S_FAILED: u32 = 3;
const S_DONE: u32 = 4;

// What happens to body bytes (besides the signature hash).
const BODY_PASS: u32 = 0; // 1.0 config: copied to OUT as provisional output
const BODY_RECORDS: u32 = 1; // 1.2 trust list: parsed into the store's parsed bank
const BODY_DECRYPT: u32 = 2; // 2.0 config: decrypted to OUT as provisional output
const BODY_COUNT: u32 = 3; // only hashed and counted (inspect, verify without a device key)

const CONFIG_ROLES: u32 = (1 << ROLE_TFTP) | (1 << ROLE_CCM_TFTP);
const TRUST_ROLES: u32 = 1 << ROLE_SAST;
const NONE: u32 = 0xFFFFFFFF;

let state: u32 = S_IDLE;
let mode: u32 = MODE_INSPECT;
let bodyKind: u32 = BODY_COUNT;
let failure: u32 = OK;
let bodyLength: u32 = 0;
let events: u32 = 0;
let outLength: u32 = 0;
let signerBank: u32 = NONE;
let signerIndex: u32 = NONE;

export function engineBegin(newMode: u32): u32 {
  if (newMode > MODE_LAST) return E_ARGUMENT;
  mode = newMode;
  headerStart();
  signatureHashStart();
  storeResetParsed();
  state = S_HEADER;
  failure = OK;
  bodyLength = 0;
  signerBank = NONE;
  signerIndex = NONE;
  report(0, 0);
  return OK;
}

export function engineFeed(len: u32): u32 {
  if (state == S_FAILED) return failure;
  if (state != S_HEADER && state != S_BODY) return E_STATE;
  if (len > IN_CAP) return E_ARGUMENT;
  events = 0;
  outLength = 0;
  let s = feedChunk(IN, len);
  if (s != OK) return fail(s);
  report(events, outLength);
  return OK;
}

export function engineFinish(): u32 {
  if (state == S_FAILED) return failure;
  if (state == S_HEADER) return fail(headerInsideElement() ? E_ELEMENT_OVERRUNS_FILE : E_TRUNCATED);
  if (state != S_BODY) return E_STATE;
  events = EVENT_DONE;
  outLength = 0;
  let s = finishBody();
  setReg(REG_RECORD_COUNT, storeCount(BANK_PARSED));
  if (s == OK) s = decideSignature();
  if (s == OK && bodyKind == BODY_DECRYPT && !cipherContentMatches(CONTENT_HASH, field(F_CONTENT_HASH_LENGTH))) s = E_CONTENT_HASH;
  if (s != OK) return fail(s);
  if (mode == MODE_TRUST_INSTALL) {
    storeInstallParsed();
    signerBank = BANK_INSTALLED; // the parsed bank, signer included, is the installed one now
  }
  state = S_DONE;
  setReg(REG_SIGNER_INDEX, signerIndex);
  setReg(REG_SIGNER_BANK, signerBank);
  report(events, outLength);
  return OK;
}

/** Once failed, a session stays failed and shows no output. */
function fail(s: u32): u32 {
  state = S_FAILED;
  failure = s;
  report(EVENT_DONE, 0);
  return s;
}

function report(ev: u32, length: u32): void {
  setReg(REG_EVENTS, ev);
  setReg(REG_OUT_LENGTH, length);
}

function feedChunk(data: usize, len: u32): u32 {
  if (state == S_HEADER) {
    let s = headerRead(data, len);
    if (s != OK) return s;
    let n = headerConsumed();
    data += n;
    len -= n;
    if (!headerComplete()) return OK;
    s = onHeaderReady();
    if (s != OK) return s;
    events |= EVENT_HEADER_READY;
    state = S_BODY;
  }
  if (len == 0) return OK;
  if (bodyLength + len < bodyLength) return E_FILE_TOO_LARGE;
  bodyLength += len;
  signatureHashUpdate(data, len);
  if (bodyKind == BODY_PASS) {
    memory.copy(OUT, data, len);
    outLength = len;
  } else if (bodyKind == BODY_DECRYPT) {
    outLength = cipherRead(data, len, OUT);
  } else if (bodyKind == BODY_RECORDS) {
    return recordsRead(data, len);
  }
  if (outLength > 0) events |= EVENT_OUTPUT;
  return OK;
}

/** The header is complete and valid: decide what the body is and who may have signed it. */
function onHeaderReady(): u32 {
  let version = field(F_VERSION);
  signatureHashChoose(field(F_HASH_ALGORITHM));
  let trustMode = mode == MODE_TRUST_INSTALL || mode == MODE_TRUST_CHECK;
  let configMode = mode == MODE_CONFIG || mode == MODE_CONFIG_VERIFY;
  if (trustMode && version != VERSION_TRUST_LIST) return E_NOT_TRUST_LIST;
  if (configMode && version == VERSION_TRUST_LIST) return E_NOT_SIGNED_FILE;
  bodyKind = BODY_COUNT;
  if (version == VERSION_TRUST_LIST) {
    bodyKind = BODY_RECORDS;
    recordsStart(BANK_PARSED);
  } else if (mode == MODE_CONFIG) {
    bodyKind = version == VERSION_ENCRYPTED ? BODY_DECRYPT : BODY_PASS;
  }
  if (configMode) {
    let s = findConfigSigner();
    if (s != OK) return s;
  }
  if (bodyKind == BODY_DECRYPT) return unwrapKey();
  return OK;
}

/** Signed configs: the installed list must name the signer with role TFTP or CCM+TFTP. */
function findConfigSigner(): u32 {
  if (storeCount(BANK_INSTALLED) == 0) return E_NO_TRUST_LIST;
  let s = storeFindSigner(BANK_INSTALLED, SERIAL, field(F_SERIAL_LENGTH), CONFIG_ROLES);
  if (s != OK) return s;
  signerBank = BANK_INSTALLED;
  signerIndex = storeFoundIndex();
  if (rsaPublicModulusBytes(storeSlot(signerBank, signerIndex) + R_KEY) != field(F_SIGNATURE_LENGTH)) return E_SIGNATURE_LENGTH;
  return OK;
}

/** Open tag 25 with the device key (implicit rejection: a bad wrap shows up as a content-hash mismatch). */
function unwrapKey(): u32 {
  let modulus = rsaPrivateModulusBytes();
  if (modulus == 0) return E_RSA_NO_PRIVATE_KEY;
  if (field(F_WRAPPED_KEY_LENGTH) != modulus) return E_KEY_MISMATCH;
  let s = rsaDecryptImplicit(WRAPPED_KEY, modulus, SESSION_KEY, 16);
  if (s != OK) return E_KEY_MISMATCH;
  cipherStart(IV, field(F_CONTENT_HASH_ALGORITHM));
  return OK;
}

function finishBody(): u32 {
  if (bodyKind == BODY_RECORDS) return recordsAtBoundary() ? OK : E_RECORD_OVERRUN;
  if (bodyKind == BODY_DECRYPT) {
    let s = cipherFinish(OUT, field(F_PADDING));
    if (s != OK) return s;
    outLength = cipherFinalLength();
    if (outLength > 0) events |= EVENT_OUTPUT;
    return OK;
  }
  if (field(F_VERSION) == VERSION_ENCRYPTED && (bodyLength == 0 || (bodyLength & 15) != 0)) return E_BODY_LENGTH;
  return OK;
}

/** The signature verdict for this mode (inspect records it and carries on). */
function decideSignature(): u32 {
  signatureHashFinal();
  if (mode == MODE_CONFIG || mode == MODE_CONFIG_VERIFY) return verifyWith(signerBank, signerIndex);
  if (mode == MODE_INSPECT) {
    setReg(REG_SIGNATURE_STATUS, inspectVerdict());
    return OK;
  }
  let s = verifyTrustListSelf();
  if (s != OK || storeCount(BANK_INSTALLED) == 0) return s;
  let selfIndex = signerIndex;
  // A replacement: it must also be signed by a SAST the installed list holds.
  if (storeFindSigner(BANK_INSTALLED, SERIAL, field(F_SERIAL_LENGTH), TRUST_ROLES) != OK) return E_TRUST_LIST_NOT_KNOWN_SAST;
  s = verifyWith(BANK_INSTALLED, storeFoundIndex());
  // The signer reported is the list's own SAST record, which outlives the list it replaces.
  signerBank = BANK_PARSED;
  signerIndex = selfIndex;
  return s;
}

/** A trust list must be signed by a SAST record it contains itself. */
function verifyTrustListSelf(): u32 {
  if (storeFindSigner(BANK_PARSED, SERIAL, field(F_SERIAL_LENGTH), TRUST_ROLES) != OK) return E_TRUST_LIST_SELF;
  return verifyWith(BANK_PARSED, storeFoundIndex());
}

function inspectVerdict(): u32 {
  if (field(F_VERSION) == VERSION_TRUST_LIST) return verifyTrustListSelf();
  if (storeCount(BANK_INSTALLED) == 0) return E_NO_TRUST_LIST;
  let s = findConfigSigner();
  return s != OK ? s : verifyWith(signerBank, signerIndex);
}

/** RSA PKCS#1 v1.5 check of the header's signature over the signed bytes. */
function verifyWith(bank: u32, index: u32): u32 {
  let key = storeSlot(bank, index) + R_KEY;
  let sigLength = field(F_SIGNATURE_LENGTH);
  if (rsaPublicModulusBytes(key) != sigLength) return E_SIGNATURE_LENGTH;
  let s = rsaVerifyPkcs1(key, field(F_HASH_ALGORITHM), SIGNED_DIGEST, SIGNATURE, sigLength);
  if (s == E_RSA_SIGNATURE_LENGTH) return E_SIGNATURE_LENGTH;
  if (s != OK) return E_BAD_SIGNATURE;
  signerBank = bank;
  signerIndex = index;
  return OK;
}
