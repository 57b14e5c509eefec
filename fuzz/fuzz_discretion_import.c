/* fuzz_discretion_import.c — libFuzzer target for the import parser of
 * 裁量基准 and lenient lists (cases/discretion.h): arbitrary bytes as CSV
 * (any encoding) or JSON, for either family, must parse or fail with an
 * error that says why, never crash or leak; and every version that passes
 * the checks must survive its own JSON form (to_json → from_json → to_json
 * gives the same text), and every fine range computed from it must have
 * its minimum at or below its maximum, inside any floor and ceiling.
 *
 * The first byte chooses: bit 0 the family, bits 1–2 CSV, JSON or "decide
 * from the first byte"; bytes 1–16 are two amounts for the fine checks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cases/discretion.h"

static int64_t amount(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = v << 8 | p[i];
  /* -1 (unknown) sometimes, else within the money range. */
  return (v & 0xff) == 0xff ? -1 : (int64_t)(v % 1000000000000001ULL);
}

static void check_fines(const fz_bench *b, int64_t gains, int64_t goods) {
  for (size_t i = 0; i < b->ntiers; i++) {
    const fz_bench_tier *t = &b->tiers[i];
    if (!t->has_fine) continue;
    int64_t lo, hi;
    char text[1024];
    fz_error e;
    fz_err rc = fz_fine_compute(&t->fine, gains, goods, &lo, &hi, text,
                                sizeof text, &e);
    if (rc == FZ_INVALID && t->fine.base == FZ_BASE_GOODS && goods < 0)
      continue;
    if (rc || lo > hi || lo < 0) abort();
    if (t->fine.has_floor && lo < t->fine.floor &&
        !(t->fine.has_ceiling && t->fine.ceiling < t->fine.floor))
      abort();
    if (t->fine.has_ceiling && hi > t->fine.ceiling) abort();
    fz_fine_describe(&t->fine, text, sizeof text);
  }
}

/* from_json → to_json → from_json → to_json must be a fixed point. */
static void round_trip(const json_t *item, int lists, int64_t gains,
                       int64_t goods) {
  int at;
  fz_error e;
  if (!lists) {
    fz_bench *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    if (!a || !b) abort();
    if (fz_bench_from_json(item, 1, a, &at, &e) == FZ_OK) {
      check_fines(a, gains, goods);
      json_t *j1 = fz_bench_to_json(a, NULL);
      if (!j1 || fz_bench_from_json(j1, 1, b, &at, &e) != FZ_OK) abort();
      json_t *j2 = fz_bench_to_json(b, NULL);
      if (!j2 || !json_equal(j1, j2)) abort();
      json_decref(j1);
      json_decref(j2);
    }
    free(a);
    free(b);
    return;
  }
  fz_list a, b;
  if (fz_list_from_json(item, 1, &a, &at, &e) != FZ_OK) return;
  json_t *j1 = fz_list_to_json(&a, NULL);
  if (!j1 || fz_list_from_json(j1, 1, &b, &at, &e) != FZ_OK) abort();
  json_t *j2 = fz_list_to_json(&b, NULL);
  if (!j2 || !json_equal(j1, j2)) abort();
  json_decref(j1);
  json_decref(j2);
  fz_list_clear(&a);
  fz_list_clear(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 17) return 0;
  fz_disc_family fam = data[0] & 1 ? FZ_DISC_LISTS : FZ_DISC_BENCHMARKS;
  int mode = (data[0] >> 1) & 3;
  int json = mode == 0 ? 0 : mode == 1 ? 1 : -1;
  int64_t gains = amount(data + 1), goods = amount(data + 9);
  data += 17;
  size -= 17;

  fz_disc_import *im = NULL;
  fz_error e = {0};
  fz_err rc = fz_disc_import_parse(fam, data, size, json, &im, &e);
  if (rc) {
    /* A refusal says why and leaves nothing behind. */
    if (im || e.code != rc || !e.message[0]) abort();
  } else {
    if (!im) abort();
    size_t v = fz_disc_import_versions(im);
    if (v > 5000 || !fz_disc_import_encoding(im)[0]) abort();
    fz_disc_import_free(im);
  }

  /* The checks of one version, and their fixed point, on any JSON. */
  json_error_t je;
  json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
  if (doc) {
    const json_t *items = json_object_get(doc, fam == FZ_DISC_LISTS ? "lists"
                                                                   : "benchmarks");
    size_t i;
    const json_t *item;
    if (json_is_array(items)) {
      json_array_foreach(items, i, item) {
        if (i >= 8) break;
        round_trip(item, fam == FZ_DISC_LISTS, gains, goods);
      }
    } else {
      round_trip(doc, fam == FZ_DISC_LISTS, gains, goods);
    }
    json_decref(doc);
  }
  return 0;
}
