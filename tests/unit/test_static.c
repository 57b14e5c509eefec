/* test_static.c — the web front end's files: request paths normalised or
 * refused (traversal, dot files, second encodings, control bytes, length),
 * content types by extension, which files are immutable, and how the web
 * root is chosen. */
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "http/static.h"
#include "test.h"
#include "testdir.h"

/* The normalised form of p, or "!" when it is refused. */
static const char *norm(const char *p, char *out, size_t size) {
  fz_error e;
  if (fz_static_path(p, strlen(p), out, size, &e)) {
    CHECK_STR(out, "");
    CHECK(e.field[0] != '\0');
    return "!";
  }
  return out;
}

static void paths_are_normalised(void) {
  char out[FZ_STATIC_PATH_MAX];
  CHECK_STR(norm("/", out, sizeof out), "");
  CHECK_STR(norm("/index.html", out, sizeof out), "index.html");
  CHECK_STR(norm("/assets/index-Bx1a2Z.js", out, sizeof out),
            "assets/index-Bx1a2Z.js");
  CHECK_STR(norm("//assets///a.css", out, sizeof out), "assets/a.css");
  CHECK_STR(norm("/console/plans/3/", out, sizeof out), "console/plans/3");
  CHECK_STR(norm("/draws/1", out, sizeof out), "draws/1");
  /* Dots inside a name are fine; a segment that starts with one is not. */
  CHECK_STR(norm("/a..b/c.d", out, sizeof out), "a..b/c.d");
  CHECK_STR(norm("/官网/页面", out, sizeof out), "官网/页面");
}

static void traversal_is_refused(void) {
  char out[FZ_STATIC_PATH_MAX];
  static const char *const bad[] = {
      "",              /* no leading slash */
      "index.html",    /* relative */
      "/..",           /* up */
      "/../etc/passwd",
      "/assets/../../etc/passwd",
      "/assets/..",
      "/.",
      "/./index.html",
      "/.git/config", /* dot files */
      "/.env",
      "/assets/%2e%2e/x",  /* a second encoding: the server decoded once */
      "/%2f..%2fetc",
      "/a\\..\\b",         /* backslashes */
      "/a\x01",            /* control bytes */
      "/a\x7f",
      "/a\tb",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const char *got = norm(bad[i], out, sizeof out);
    if (strcmp(got, "!") != 0)
      fprintf(stderr, "  accepted \"%s\" as \"%s\"\n", bad[i], got);
    CHECK_STR(got, "!");
  }
  /* A NUL inside the path (the length says there is more). */
  fz_error e;
  CHECK_INT(fz_static_path("/a\0/../b", 8, out, sizeof out, &e), FZ_INVALID);
  CHECK_INT(fz_static_path("/ok", 3, out, sizeof out, &e), FZ_OK);
  CHECK_STR(out, "ok");
}

static void long_paths_are_refused(void) {
  char out[16];
  fz_error e;
  CHECK_INT(fz_static_path("/abcdefghijklmno", 16, out, sizeof out, &e),
            FZ_OK);
  CHECK_STR(out, "abcdefghijklmno");
  CHECK_INT(fz_static_path("/abcdefgh/ijklmnop", 18, out, sizeof out, &e),
            FZ_TOOBIG);
  CHECK_STR(out, "");
  char big[FZ_STATIC_PATH_MAX * 2], wide[FZ_STATIC_PATH_MAX * 2];
  big[0] = '/';
  memset(big + 1, 'a', sizeof big - 2);
  big[sizeof big - 1] = '\0';
  CHECK_INT(fz_static_path(big, strlen(big), wide, sizeof wide, &e),
            FZ_TOOBIG);
}

static void content_types_follow_the_extension(void) {
  CHECK_STR(fz_static_type("index.html"), "text/html; charset=utf-8");
  CHECK_STR(fz_static_type("assets/index-1a.js"),
            "text/javascript; charset=utf-8");
  CHECK_STR(fz_static_type("assets/worker-2b.mjs"),
            "text/javascript; charset=utf-8");
  CHECK_STR(fz_static_type("assets/index-1a.CSS"), "text/css; charset=utf-8");
  CHECK_STR(fz_static_type("assets/x.svg"), "image/svg+xml");
  CHECK_STR(fz_static_type("favicon.ico"), "image/vnd.microsoft.icon");
  CHECK_STR(fz_static_type("assets/f.woff2"), "font/woff2");
  CHECK_STR(fz_static_type("assets/a.json"), "application/json; charset=utf-8");
  CHECK_STR(fz_static_type("assets/a.wasm"), "application/wasm");
  CHECK_STR(fz_static_type("README"), "application/octet-stream");
  CHECK_STR(fz_static_type("archive.tar.zst"), "application/octet-stream");
  CHECK_STR(fz_static_type("dir.js/file"), "application/octet-stream");
  CHECK_STR(fz_static_type("trailing."), "application/octet-stream");
}

static void only_hashed_assets_are_immutable(void) {
  CHECK_INT(fz_static_immutable("assets/index-1a2b.js"), 1);
  CHECK_INT(fz_static_immutable("assets/"), 0);
  CHECK_INT(fz_static_immutable("index.html"), 0);
  CHECK_INT(fz_static_immutable("favicon.svg"), 0);
  CHECK_INT(fz_static_immutable("assetsx/a.js"), 0);
}

static void the_web_root_is_chosen(void) {
  char path[512], out[PATH_MAX], real[PATH_MAX];
  fz_error e;
  /* A named folder without index.html is an error naming the setting. */
  CHECK_INT(fz_static_root(tmpdir, out, sizeof out, &e), FZ_NOTFOUND);
  CHECK_STR(e.field, "web");
  CHECK_CONTAINS(e.message, "index.html");
  CHECK_INT(fz_static_root(tmp_path(path, "missing"), out, sizeof out, &e),
            FZ_NOTFOUND);
  FILE *f = fopen(tmp_path(path, "index.html"), "w");
  CHECK(f != NULL);
  if (f) fclose(f);
  CHECK_INT(fz_static_root(tmpdir, out, sizeof out, &e), FZ_OK);
  CHECK(realpath(tmpdir, real) != NULL);
  CHECK_STR(out, real);
  /* Too small a buffer. */
  CHECK_INT(fz_static_root(tmpdir, out, 4, &e), FZ_TOOBIG);
  /* Nothing named: web/dist under the working folder, or none at all. */
  char cwd[PATH_MAX];
  CHECK(getcwd(cwd, sizeof cwd) != NULL);
  CHECK_INT(chdir(tmpdir), 0);
  CHECK_INT(fz_static_root("", out, sizeof out, &e), FZ_OK);
  CHECK_STR(out, "");
  CHECK_INT(fz_static_root(NULL, out, sizeof out, &e), FZ_OK);
  CHECK_STR(out, "");
  CHECK_INT(chdir(cwd), 0);
  unlink(tmp_path(path, "index.html"));
}

int main(void) {
  if (tmpdir_make("fz_static")) return 1;
  RUN(paths_are_normalised);
  RUN(traversal_is_refused);
  RUN(long_paths_are_refused);
  RUN(content_types_follow_the_extension);
  RUN(only_hashed_assets_are_immutable);
  RUN(the_web_root_is_chosen);
  CHECK_INT(tmpdir_leftovers(), 0);
  tmpdir_remove();
  return TEST_END();
}
