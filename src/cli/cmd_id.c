/* cmd_id.c — `fazhi id check CODE`: says whether a 统一社会信用代码 or
 * 居民身份证号 is valid, and if not, why. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "id/id.h"

static int usage(void) {
  fputs("usage: fazhi id check CODE\n", stderr);
  return 2;
}

int fz_cmd_id(int argc, char **argv) {
  if (argc != 3 || strcmp(argv[1], "check") != 0) return usage();

  fz_id_result r;
  if (fz_id_check(argv[2], fz_id_today(), &r) == FZ_OK) {
    puts("valid");
    return 0;
  }
  printf("%s: %s\n", fz_id_kind_name(r.kind), r.err.message);
  return 1;
}
