/* test.h — the small harness of fazhi's unit tests.  Each test file defines
 * test functions and a main() that runs them with RUN(); the closing line is
 * "N passed, N failed" and the exit code is non-zero on any failure. */
#ifndef FZ_TEST_H
#define FZ_TEST_H

#include <stdio.h>
#include <string.h>

static int t_passed, t_failed, t_current_failed;

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__,     \
              #cond);                                                        \
      t_current_failed = 1;                                                  \
    }                                                                        \
  } while (0)

#define CHECK_INT(a, b)                                                      \
  do {                                                                       \
    long long a_ = (long long)(a), b_ = (long long)(b);                      \
    if (a_ != b_) {                                                          \
      fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n",          \
              __FILE__, __LINE__, #a, a_, #b, b_);                           \
      t_current_failed = 1;                                                  \
    }                                                                        \
  } while (0)

#define CHECK_STR(a, b)                                                      \
  do {                                                                       \
    const char *a_ = (a), *b_ = (b);                                         \
    if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                 \
      fprintf(stderr, "  %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, \
              __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");        \
      t_current_failed = 1;                                                  \
    }                                                                        \
  } while (0)

/* Does haystack contain needle? For checking that messages say why. */
#define CHECK_CONTAINS(hay, needle)                                          \
  do {                                                                       \
    const char *h_ = (hay), *n_ = (needle);                                  \
    if (!h_ || !strstr(h_, n_)) {                                            \
      fprintf(stderr, "  %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, \
              __LINE__, h_ ? h_ : "(null)", n_);                             \
      t_current_failed = 1;                                                  \
    }                                                                        \
  } while (0)

#define RUN(fn)                                                              \
  do {                                                                       \
    t_current_failed = 0;                                                    \
    fn();                                                                    \
    if (t_current_failed) {                                                  \
      t_failed++;                                                            \
      fprintf(stderr, "FAIL %s\n", #fn);                                     \
    } else {                                                                 \
      t_passed++;                                                            \
    }                                                                        \
  } while (0)

#define TEST_END()                                                           \
  (printf("%d passed, %d failed\n", t_passed, t_failed), t_failed ? 1 : 0)

#endif
