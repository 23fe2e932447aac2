/* cnfguard-embed: the cnfguard core (build/cnfguard.wasm, turned into C by wasm2c) driven
 * from C through its exported ABI only (assembly/README.md, the assembly/abi/ docs) and the C
 * standard library. It shows how firmware embeds the core:
 *
 *   cnfguard-embed selftest
 *   cnfguard-embed decrypt FILE.enc.sgn DEVICE_KEY.der ITL.tlv   (plaintext on stdout)
 *   cnfguard-embed bench
 *
 * Exit codes follow the project's CLI: 0 ok, 1 failed (the status name on stderr), 2 usage,
 * 3 I/O. A core trap (never expected: malformed input returns a status) exits 4. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cnfguard.h"
#include "wasm-rt-impl.h"
#include "status_names.h"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_IO = 3, EXIT_TRAP = 4 };
enum { ABI_VERSION = 1 };
/* The phone host's chunk size: one Ethernet-sized TFTP/HTTP payload at a time. */
enum { CHUNK = 1428 };
/* file_begin modes and file_feed events (assembly/abi/fileAbi.md). */
enum { MODE_CONFIG = 0, MODE_TRUST_INSTALL = 1 };
enum { EVENT_OUTPUT = 2 };

static Z_cnfguard_instance_t core;
static uint8_t *mem;          /* the core's linear memory (fixed: 2 pages, never grows) */
static uint8_t *in_window;    /* IN: inputs of every call */
static uint32_t in_capacity;
static uint8_t *out_window;   /* OUT: byte results */

static const char *status_name(uint32_t code) {
  for (size_t i = 0; i < sizeof STATUS_NAMES / sizeof STATUS_NAMES[0]; i++)
    if (STATUS_NAMES[i].code == code) return STATUS_NAMES[i].name;
  return "E_UNKNOWN_STATUS";
}

static const char *status_text(uint32_t code) {
  for (size_t i = 0; i < sizeof STATUS_NAMES / sizeof STATUS_NAMES[0]; i++)
    if (STATUS_NAMES[i].code == code) return STATUS_NAMES[i].text;
  return "status code not in assembly/status.ts";
}

/* Result register i (little-endian u32 at reg_ptr()). */
static uint32_t reg(uint32_t i) {
  const uint8_t *r = mem + Z_cnfguardZ_reg_ptr(&core) + 4 * i;
  return (uint32_t)r[0] | (uint32_t)r[1] << 8 | (uint32_t)r[2] << 16 | (uint32_t)r[3] << 24;
}

static void core_start(void) {
  wasm_rt_init();
  Z_cnfguard_init_module();
  Z_cnfguard_instantiate(&core);
  mem = Z_cnfguardZ_memory(&core)->data;
  in_window = mem + Z_cnfguardZ_in_ptr(&core);
  in_capacity = Z_cnfguardZ_in_cap(&core);
  out_window = mem + Z_cnfguardZ_out_ptr(&core);
}

static void core_stop(void) {
  Z_cnfguard_free(&core);
  wasm_rt_free();
}

/* ---- small buffers read from files */

struct bytes { uint8_t *data; size_t len; };

static int read_file(const char *path, struct bytes *b) {
  FILE *f = fopen(path, "rb");
  if (!f) { fprintf(stderr, "cannot open %s\n", path); return EXIT_IO; }
  b->data = NULL; b->len = 0;
  size_t cap = 0;
  for (;;) {
    if (b->len == cap) {
      cap = cap ? 2 * cap : 4096;
      uint8_t *grown = realloc(b->data, cap);
      if (!grown) { fclose(f); free(b->data); fprintf(stderr, "%s: out of memory\n", path); return EXIT_IO; }
      b->data = grown;
    }
    size_t n = fread(b->data + b->len, 1, cap - b->len, f);
    b->len += n;
    if (n == 0) break;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) { free(b->data); fprintf(stderr, "cannot read %s\n", path); return EXIT_IO; }
  return EXIT_OK;
}

/* ---- the file engine: sessions fed chunk by chunk */

/* Provisional plaintext: kept until file_finish says OK, wiped otherwise. */
struct sink { uint8_t *data; size_t len, cap; int failed; };

static void sink_take(struct sink *s) {
  if (!s || !(reg(0) & EVENT_OUTPUT) || reg(1) == 0) return;
  size_t n = reg(1);
  if (s->len + n > s->cap) {
    size_t cap = s->cap ? s->cap : 4096;
    while (cap < s->len + n) cap *= 2;
    uint8_t *grown = realloc(s->data, cap);
    if (!grown) { s->failed = 1; return; }
    s->data = grown; s->cap = cap;
  }
  memcpy(s->data + s->len, out_window, n);
  s->len += n;
}

static void sink_discard(struct sink *s) {
  if (s->data) memset(s->data, 0, s->cap);
  free(s->data);
  s->data = NULL; s->len = s->cap = 0;
}

/* Feed `len` bytes in chunks of at most `chunk` (≤ in_cap). */
static uint32_t session_feed(const uint8_t *data, size_t len, size_t chunk, struct sink *s) {
  for (size_t at = 0; at < len; at += chunk) {
    size_t n = len - at < chunk ? len - at : chunk;
    memcpy(in_window, data + at, n);
    uint32_t st = Z_cnfguardZ_file_feed(&core, (uint32_t)n);
    if (st) return st;
    sink_take(s);
  }
  return 0;
}

static uint32_t session_finish(struct sink *s) {
  uint32_t st = Z_cnfguardZ_file_finish(&core);
  if (st == 0) sink_take(s);
  return st;
}

static uint32_t install_trust_list(const struct bytes *itl) {
  uint32_t st = Z_cnfguardZ_file_begin(&core, MODE_TRUST_INSTALL);
  if (!st) st = session_feed(itl->data, itl->len, in_capacity, NULL);
  if (!st) st = session_finish(NULL);
  return st;
}

static uint32_t load_device_key(const struct bytes *der) {
  if (der->len > in_capacity) return 3; /* E_CAPACITY */
  memcpy(in_window, der->data, der->len);
  return Z_cnfguardZ_rsa_priv_load(&core, (uint32_t)der->len);
}

/* ---- selftest */

static int cmd_selftest(void) {
  uint32_t st = Z_cnfguardZ_selftest(&core);
  if (st) {
    fprintf(stderr, "selftest failed: %u (%s)\n", st, status_name(st));
    return EXIT_FAILED;
  }
  printf("selftest ok (abi %u, static end %u of %u bytes)\n", Z_cnfguardZ_abi_version(&core),
         Z_cnfguardZ_static_end(&core), (unsigned)Z_cnfguardZ_memory(&core)->size);
  return EXIT_OK;
}

/* ---- decrypt */

static int fail(const char *what, uint32_t st) {
  fprintf(stderr, "%s: %s (%u): %s\n", what, status_name(st), st, status_text(st));
  return EXIT_FAILED;
}

static int cmd_decrypt(const char *file_path, const char *key_path, const char *itl_path) {
  struct bytes itl, key;
  int rc = read_file(itl_path, &itl);
  if (rc) return rc;
  rc = read_file(key_path, &key);
  if (rc) { free(itl.data); return rc; }
  uint32_t st = install_trust_list(&itl);
  free(itl.data);
  if (st) { memset(key.data, 0, key.len); free(key.data); return fail(itl_path, st); }
  st = load_device_key(&key);
  memset(key.data, 0, key.len);
  memset(in_window, 0, key.len < in_capacity ? key.len : in_capacity);
  free(key.data);
  if (st) return fail(key_path, st);

  FILE *f = fopen(file_path, "rb");
  if (!f) { fprintf(stderr, "cannot open %s\n", file_path); return EXIT_IO; }
  struct sink plain = { 0 };
  uint8_t chunk[CHUNK];
  size_t n;
  st = Z_cnfguardZ_file_begin(&core, MODE_CONFIG);
  while (!st && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
    st = session_feed(chunk, n, CHUNK, &plain);
  int io_error = ferror(f);
  fclose(f);
  if (io_error) { sink_discard(&plain); fprintf(stderr, "cannot read %s\n", file_path); return EXIT_IO; }
  if (!st) st = session_finish(&plain);
  Z_cnfguardZ_rsa_priv_clear(&core);
  if (st) { sink_discard(&plain); return fail(file_path, st); }
  if (plain.failed) { sink_discard(&plain); fprintf(stderr, "%s: out of memory\n", file_path); return EXIT_IO; }
  /* Verified: only now does any plaintext leave the program. */
  size_t len = plain.len;
  size_t written = len ? fwrite(plain.data, 1, len, stdout) : 0;
  sink_discard(&plain);
  if (written != len || fflush(stdout)) { fprintf(stderr, "cannot write standard output\n"); return EXIT_IO; }
  return EXIT_OK;
}

/* ---- bench: fixed work, timed with the C11 wall clock */

extern const unsigned char bench_config[], bench_itl[], bench_key2048[], bench_key4096[];
extern const unsigned int bench_config_len, bench_itl_len, bench_key2048_len, bench_key4096_len;

enum { MIB = 1 << 20 };

static double now_ms(void) {
  struct timespec t;
  timespec_get(&t, TIME_UTC);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void report(const char *what, double ms, uint32_t st) {
  if (st) printf("%-34s FAILED %s\n", what, status_name(st));
  else printf("%-34s %10.3f ms\n", what, ms);
}

/* Fill IN with a fixed pattern: the bench's data (content does not change the work). */
static void fill_in_window(void) {
  for (uint32_t i = 0; i < in_capacity; i++) in_window[i] = (uint8_t)(i * 131 + 7);
}

static uint32_t hash_mib(uint32_t alg) {
  uint32_t st = Z_cnfguardZ_hash_begin(&core, 0, alg);
  for (uint32_t done = 0; !st && done < MIB; done += in_capacity)
    st = Z_cnfguardZ_hash_update(&core, 0, in_capacity);
  if (!st) st = Z_cnfguardZ_hash_end(&core, 0);
  return st;
}

static uint32_t aes_decrypt_mib(void) {
  uint32_t st = Z_cnfguardZ_aes_cbc_begin(&core, 0); /* key and IV: IN[0..32) */
  for (uint32_t done = 0; !st && done < MIB; done += in_capacity)
    st = Z_cnfguardZ_aes_cbc_update(&core, in_capacity);
  Z_cnfguardZ_aes_cbc_end(&core);
  return st;
}

/* One private operation on x = 00 01 02 … (below n: its top octet is zero). */
static uint32_t rsa_private_once(const unsigned char *der, unsigned der_len, double *ms) {
  memcpy(in_window, der, der_len);
  uint32_t st = Z_cnfguardZ_rsa_priv_load(&core, der_len);
  if (st) return st;
  uint32_t len = Z_cnfguardZ_rsa_priv_modulus_bytes(&core);
  for (uint32_t i = 0; i < len; i++) in_window[i] = (uint8_t)i;
  double t0 = now_ms();
  st = Z_cnfguardZ_rsa_priv_raw(&core, len);
  *ms = now_ms() - t0;
  Z_cnfguardZ_rsa_priv_clear(&core);
  return st;
}

static uint32_t open_big_config(struct sink *plain) {
  const struct bytes itl = { (uint8_t *)bench_itl, bench_itl_len };
  const struct bytes key = { (uint8_t *)bench_key2048, bench_key2048_len };
  uint32_t st = install_trust_list(&itl);
  if (!st) st = load_device_key(&key);
  if (!st) st = Z_cnfguardZ_file_begin(&core, MODE_CONFIG);
  if (!st) st = session_feed(bench_config, bench_config_len, CHUNK, plain);
  if (!st) st = session_finish(plain);
  Z_cnfguardZ_rsa_priv_clear(&core);
  return st;
}

static int cmd_bench(void) {
  double t0, ms;
  uint32_t st, failures = 0;

  fill_in_window();
  t0 = now_ms(); st = hash_mib(0); report("MD5, 1 MiB", now_ms() - t0, st); failures += st != 0;
  t0 = now_ms(); st = hash_mib(3); report("SHA-512, 1 MiB", now_ms() - t0, st); failures += st != 0;
  t0 = now_ms(); st = aes_decrypt_mib(); report("AES-128-CBC decrypt, 1 MiB", now_ms() - t0, st); failures += st != 0;
  st = rsa_private_once(bench_key2048, bench_key2048_len, &ms); report("RSA-2048 private operation", ms, st); failures += st != 0;
  st = rsa_private_once(bench_key4096, bench_key4096_len, &ms); report("RSA-4096 private operation", ms, st); failures += st != 0;

  struct sink plain = { 0 };
  t0 = now_ms(); st = open_big_config(&plain); ms = now_ms() - t0;
  char what[64];
  snprintf(what, sizeof what, "open %u-byte encrypted config", bench_config_len);
  report(what, ms, st); failures += st != 0;
  sink_discard(&plain);
  return failures ? EXIT_FAILED : EXIT_OK;
}

/* ---- main */

static int usage(void) {
  fprintf(stderr,
          "usage: cnfguard-embed selftest\n"
          "       cnfguard-embed decrypt FILE.enc.sgn DEVICE_KEY.der ITL.tlv\n"
          "       cnfguard-embed bench\n"
          "DEVICE_KEY.der: the phone's RSA key, PKCS#1 or PKCS#8 DER "
          "(openssl pkey -in key.pem -outform DER -out key.der)\n");
  return EXIT_USAGE;
}

static int run(int argc, char **argv) {
  if (Z_cnfguardZ_abi_version(&core) != ABI_VERSION) {
    fprintf(stderr, "core ABI version %u, this program speaks %u: rebuild with npm run embed\n",
            Z_cnfguardZ_abi_version(&core), ABI_VERSION);
    return EXIT_FAILED;
  }
  if (argc == 2 && !strcmp(argv[1], "selftest")) return cmd_selftest();
  if (argc == 5 && !strcmp(argv[1], "decrypt")) return cmd_decrypt(argv[2], argv[3], argv[4]);
  if (argc == 2 && !strcmp(argv[1], "bench")) return cmd_bench();
  return usage();
}

int main(int argc, char **argv) {
  core_start();
  int rc;
  wasm_rt_trap_t trap = wasm_rt_impl_try();
  if (trap == WASM_RT_TRAP_NONE) {
    rc = run(argc, argv);
  } else {
    /* Reached through longjmp from the generated code: any provisional output was never printed. */
    fprintf(stderr, "core trapped: %s\n", wasm_rt_strerror(trap));
    rc = EXIT_TRAP;
  }
  core_stop();
  return rc;
}
