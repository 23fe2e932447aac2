// X.501 Name from an ordered attribute list: one RDN per attribute, in the order given
// (the peer's certificates put CN first, then O, OU, ...).
import * as asn1js from "asn1js";

export type DistinguishedName = Array<[attr: "CN" | "O" | "OU" | "L" | "ST" | "C" | string, value: string]>;

/** Short names of the attribute types; any other name must be a dotted OID. */
const ATTRIBUTE_OID: Record<string, string> = {
  CN: "2.5.4.3",
  SN: "2.5.4.4",
  serialNumber: "2.5.4.5",
  C: "2.5.4.6",
  L: "2.5.4.7",
  ST: "2.5.4.8",
  O: "2.5.4.10",
  OU: "2.5.4.11",
  title: "2.5.4.12",
  emailAddress: "1.2.840.113549.1.9.1",
};

/** DER of the Name. Country and serialNumber are PrintableString, e-mail IA5String, the rest UTF8String. */
export function distinguishedName(name: DistinguishedName): Uint8Array {
  const rdns = name.map(([attr, value]) => {
    const oid = ATTRIBUTE_OID[attr] ?? (/^\d+(\.\d+)+$/.test(attr) ? attr : undefined);
    if (!oid) throw new Error(`distinguished name: unknown attribute "${attr}" (use CN, O, OU, L, ST, C or a dotted OID)`);
    const typeAndValue = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), attributeValue(attr, value)] });
    return new asn1js.Set({ value: [typeAndValue] });
  });
  return new Uint8Array(new asn1js.Sequence({ value: rdns }).toBER(false));
}

function attributeValue(attr: string, value: string): asn1js.BaseBlock {
  if (attr === "C" || attr === "serialNumber") return new asn1js.PrintableString({ value });
  if (attr === "emailAddress") return new asn1js.IA5String({ value });
  return new asn1js.Utf8String({ value });
}
