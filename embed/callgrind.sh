#!/usr/bin/env bash
# Instruction counts (stable on shared machines, unlike times) for the x86-64 firmware-kit build:
# decrypting the 1 KiB and the 95 KiB peer configs, in total and per stage of the C host.
# Needs valgrind and a build from embed/build.sh. Prints a Markdown table for embed/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/embed/x86_64/cnfguard-embed
V=vectors/peer
[ -x "$BIN" ] || { echo "callgrind: $BIN missing: run npm run embed" >&2; exit 3; }
command -v valgrind >/dev/null || { echo "callgrind: valgrind not installed" >&2; exit 3; }
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
node -e 'const c=require("node:crypto"),fs=require("node:fs");
  fs.writeFileSync(process.argv[2], c.createPrivateKey(fs.readFileSync(process.argv[1])).export({type:"pkcs1",format:"der"}))' \
  "$V/devices/SEPA45630BBFA40.pem" "$TMP/key.der"

stage() { callgrind_annotate --inclusive=yes "$1" 2>/dev/null | awk -v f="$2" '$0 ~ "\\?\\?\\?:" f " " { gsub(",", "", $1); print $1; exit }'; }
echo "| config | total Ir | trust list install | device key load | file_feed (stream) | file_finish |"
echo "|---|---:|---:|---:|---:|---:|"
for f in enc/sha1-rsa2048/SEPA45630BBFA40.cnf.xml.enc.sgn enc/big/SEPA45630BBFA40.cnf.xml.enc.sgn; do
  out=$TMP/cg.out
  valgrind --tool=callgrind --callgrind-out-file="$out" "$BIN" decrypt "$V/$f" "$TMP/key.der" "$V/itl/ITLSEPA45630BBFA40.tlv" >/dev/null 2>"$TMP/log"
  total=$(awk '/Collected :/ { print $4 }' "$TMP/log")
  echo "| \`$f\` ($(wc -c < "$V/$f") B) | $total | $(stage "$out" install_trust_list) | $(stage "$out" load_device_key) | $(stage "$out" session_feed) | $(stage "$out" session_finish) |"
done
