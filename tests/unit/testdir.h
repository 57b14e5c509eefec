/* testdir.h — a temporary folder for a unit test's files: made at the
 * start of main, checked for leftovers, removed at the end (one level). */
#ifndef FZ_TESTDIR_H
#define FZ_TESTDIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char tmpdir[256];

/* Makes $TMPDIR/<prefix>_XXXXXX (or under /tmp); 0 on success. */
static inline int tmpdir_make(const char *prefix) {
  const char *t = getenv("TMPDIR");
  snprintf(tmpdir, sizeof tmpdir, "%s/%s_XXXXXX", t && *t ? t : "/tmp",
           prefix);
  if (mkdtemp(tmpdir)) return 0;
  perror("mkdtemp");
  return -1;
}

/* tmpdir/name into buf (512 bytes); returns buf. */
static inline const char *tmp_path(char *buf, const char *name) {
  snprintf(buf, 512, "%s/%s", tmpdir, name);
  return buf;
}

/* How many files the folder holds, each named on stderr. */
static inline int tmpdir_leftovers(void) {
  DIR *d = opendir(tmpdir);
  int n = 0;
  for (struct dirent *de; d && (de = readdir(d));)
    if (de->d_name[0] != '.') {
      fprintf(stderr, "  left behind: %s\n", de->d_name);
      n++;
    }
  if (d) closedir(d);
  return n;
}

static inline void tmpdir_remove(void) {
  DIR *d = opendir(tmpdir);
  char path[512];
  for (struct dirent *de; d && (de = readdir(d));)
    if (de->d_name[0] != '.') unlink(tmp_path(path, de->d_name));
  if (d) closedir(d);
  rmdir(tmpdir);
}

#endif
