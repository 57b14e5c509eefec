/* cases_bench.c — an HTTP/1.1 load driver for bench/cases.sh: many
 * keep-alive clients over plain sockets, a few epoll threads, and either
 * one GET repeated (the baseline) or whole 普通程序 penalty cases, each
 * client taking its case from 立案 to 结案 before starting the next.
 *
 *   cases_bench get   --port P [--path /api/v1/health] [--user U
 *                     --password PW] [common options]
 *   cases_bench cases --port P --officer U --head U --password PW
 *                     --department ID --handlers A,B --entities FILE
 *                     --act-date YYYY-MM-DD [--matter SC-CF-007]
 *                     [common options]
 *   common: [--clients 32] [--threads 2] [--seconds 10] [--warmup 2]
 *           [--server-pid PID]
 *
 * cases: one case is seven requests on one connection, each waiting for
 * the answer of the one before (the case id comes from the first):
 *   POST /api/v1/cases                    officer  201  (kind penalty, …)
 *   POST /api/v1/cases/{id}/steps/file    head     200  {"officers":[A,B]}
 *   …/notify   officer {"kinds":["罚款"], "fine":"2000"}  (below the
 *              较大数额: no hearing right, so no waiting)
 *   …/decide   head    {"kinds":["罚款"], "fine":"2000"}
 *   …/serve    officer {"method":"直接送达"}
 *   …/execute  officer {"how":"当事人已履行"}
 *   …/close    head    {}                  (the answer must say "closed")
 * The circumstances (general harm, not corrected) put the case in the demo
 * benchmark's 一般 tier, 1,000 to 3,000 元, where no lenient list applies:
 * the decision is within the benchmark and needs no written reason.  The
 * decide answers' "outside_range" is still counted and printed (0 when
 * the data is as described).
 * Every answer's status is checked; anything unexpected stops the run with
 * the answer shown.  The two accounts sign in once (Argon2id is slow by
 * design) and every client sends their session cookie and CSRF token.
 * The entities file has one party a line: 统一社会信用代码, a tab, name;
 * client k opens its n-th case on line (k + n × clients) mod lines.
 *
 * Counting: requests (and cases) whose answer arrives within the
 * --seconds after --warmup; the driver's own CPU time (getrusage) and,
 * with --server-pid, the server's (/proc/PID/stat) over the same window,
 * and how busy the whole machine was (/proc/stat), since others may share
 * it.
 * Figures are printed as "STAT key=value" lines for the script, plus the
 * mean and largest latency of each step. */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "usage: cases_bench get --port P [--path PATH] [--user U --password PW]"
    " [common]\n"
    "       cases_bench cases --port P --officer U --head U --password PW"
    " --department ID\n"
    "                   --handlers A,B --entities FILE --act-date DATE"
    " [--matter CODE] [common]\n"
    "common: [--clients 32] [--threads 2] [--seconds 10] [--warmup 2]"
    " [--server-pid PID]\n";

enum { N_STEPS = 7, HIST_BUCKETS = 20000 /* 0.1 ms each, up to 2 s */ };
static const char *const step_names[N_STEPS] = {
    "create", "file", "notify", "decide", "serve", "execute", "close"};

/* ---- options and shared state ------------------------------------------- */

typedef struct session {
  char cookie[256], csrf[128];
} session;

typedef struct party {
  char *code, *name; /* name JSON-escaped */
} party;

static struct {
  int cases; /* mode */
  int port, clients, threads;
  double seconds, warmup;
  const char *path, *user, *officer, *head, *password, *entities, *act_date;
  const char *matter, *handlers;
  long department;
  int server_pid;
  session get_s, off_s, head_s;
  int get_auth;
  party *parties;
  size_t n_parties;
  double t_measure, t_end;
  atomic_int stop;
} g = {.clients = 32, .threads = 2, .seconds = 10, .warmup = 2,
       .path = "/api/v1/health", .matter = "SC-CF-007"};

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *fmt, const char *a, const char *b) {
  fprintf(stderr, "cases_bench: ");
  fprintf(stderr, fmt, a ? a : "", b ? b : "");
  fputc('\n', stderr);
  exit(1);
}

/* ---- HTTP ------------------------------------------------------------------ */

static int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket: %s%s", strerror(errno), NULL);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
    die("connect: %s%s", strerror(errno), NULL);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

/* memmem, which needs _GNU_SOURCE. */
static const char *find(const char *h, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; k <= n && i <= n - k; i++)
    if (h[i] == needle[0] && memcmp(h + i, needle, k) == 0) return h + i;
  return NULL;
}

/* A complete answer in buf[0..len): its status, where the body starts and
 * how long it is; 0 while more is to come, -1 when it cannot be read. */
static int parse_answer(const char *buf, size_t len, int *status,
                        size_t *body, size_t *body_len) {
  const char *end = find(buf, len, "\r\n\r\n");
  if (!end) return 0;
  size_t head = (size_t)(end - buf) + 4;
  if (len < 12 || strncmp(buf, "HTTP/1.", 7) != 0) return -1;
  *status = atoi(buf + 9);
  long cl = -1;
  for (const char *p = memchr(buf, '\n', head); p && p < end;
       p = memchr(p + 1, '\n', (size_t)(end - p))) {
    const char *h = p + 1;
    if (strncasecmp(h, "Content-Length:", 15) == 0) cl = atol(h + 15);
    else if (strncasecmp(h, "Transfer-Encoding:", 18) == 0) return -1;
  }
  if (cl < 0) return -1;
  if (len < head + (size_t)cl) return 0;
  *body = head;
  *body_len = (size_t)cl;
  return 1;
}

/* One request on a fresh blocking connection; the whole answer is
 * returned (NUL-terminated) with its status. */
static char *http_once(const char *req, int *status, size_t *body) {
  int fd = connect_to(g.port);
  size_t n = strlen(req), off = 0;
  while (off < n) {
    ssize_t w = write(fd, req + off, n - off);
    if (w <= 0) die("write: %s%s", strerror(errno), NULL);
    off += (size_t)w;
  }
  size_t cap = 65536, len = 0, bl;
  char *buf = malloc(cap + 1);
  int rc = 0;
  while (buf && (rc = parse_answer(buf, len, status, body, &bl)) == 0) {
    if (len == cap) buf = realloc(buf, (cap *= 2) + 1);
    ssize_t r = buf ? read(fd, buf + len, cap - len) : -1;
    if (r <= 0) die("the server closed the connection%s%s", NULL, NULL);
    len += (size_t)r;
  }
  if (rc < 0) die("unreadable answer%s%s", NULL, NULL);
  close(fd);
  buf[len] = 0;
  return buf;
}

/* Signs in: the fz_session cookie and the CSRF token. */
static void login(const char *user, session *s) {
  char body[512], req[1024];
  json_t *b = json_pack("{s:s, s:s}", "username", user, "password", g.password);
  char *text = json_dumps(b, JSON_COMPACT);
  snprintf(body, sizeof body, "%s", text);
  free(text);
  json_decref(b);
  snprintf(req, sizeof req,
           "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
           strlen(body), body);
  int status;
  size_t at;
  char *a = http_once(req, &status, &at);
  if (status != 200) die("cannot sign in as %s: %s", user, a);
  const char *c = strstr(a, "fz_session=");
  if (!c || c > a + at) die("no session cookie for %s%s", user, NULL);
  size_t n = strcspn(c, ";\r\n");
  if (n >= sizeof s->cookie) die("session cookie too long%s%s", NULL, NULL);
  memcpy(s->cookie, c, n);
  s->cookie[n] = 0;
  json_t *j = json_loads(a + at, 0, NULL);
  const char *t = json_string_value(json_object_get(j, "csrf_token"));
  if (!t || strlen(t) >= sizeof s->csrf) die("no csrf_token for %s: %s", user, a + at);
  strcpy(s->csrf, t);
  json_decref(j);
  free(a);
}

/* ---- the parties --------------------------------------------------------- */

static char *json_escaped(const char *s) {
  json_t *j = json_string(s);
  char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
  json_decref(j);
  if (!t) die("party name is not UTF-8: %s%s", s, NULL);
  return t; /* with its quotes */
}

static void load_parties(const char *file) {
  FILE *f = fopen(file, "r");
  if (!f) die("%s: %s", file, strerror(errno));
  char line[1024];
  size_t cap = 0;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    char *tab = strchr(line, '\t');
    if (!tab) continue;
    *tab = 0;
    if (g.n_parties == cap)
      g.parties = realloc(g.parties, (cap = cap ? 2 * cap : 256) * sizeof *g.parties);
    if (!g.parties) die("out of memory%s%s", NULL, NULL);
    g.parties[g.n_parties].code = strdup(line);
    g.parties[g.n_parties].name = json_escaped(tab + 1);
    g.n_parties++;
  }
  fclose(f);
  if (!g.n_parties) die("%s: no entities (code TAB name)%s", file, NULL);
}

/* ---- clients ----------------------------------------------------------------- */

typedef struct stats {
  long requests, cases, outside;
  long step_n[N_STEPS];
  double step_sum[N_STEPS], step_max[N_STEPS];
  long hist[HIST_BUCKETS + 1];
} stats;

typedef struct client {
  int fd, id;
  char out[4096];
  size_t out_len, out_off;
  char *in;
  size_t in_len, in_cap;
  double sent_at;
  int step, want_out;
  long long case_id;
  long n; /* cases opened */
} client;

typedef struct worker {
  pthread_t thread;
  int count, ep;
  client *cl;
  stats st;
} worker;

static void build_post(client *c, const char *path, const session *s,
                       const char *body) {
  int n = snprintf(c->out, sizeof c->out,
                   "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n"
                   "X-CSRF-Token: %s\r\nContent-Type: application/json\r\n"
                   "Content-Length: %zu\r\n\r\n%s",
                   path, s->cookie, s->csrf, strlen(body), body);
  if (n < 0 || (size_t)n >= sizeof c->out) die("request too long%s%s", NULL, NULL);
  c->out_len = (size_t)n;
  c->out_off = 0;
}

/* The next request of client c into c->out. */
static void build_next(client *c) {
  if (!g.cases) { /* the same request every time */
    if (!c->out_len)
      c->out_len = (size_t)snprintf(
          c->out, sizeof c->out, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s%s%s\r\n",
          g.path, g.get_auth ? "Cookie: " : "", g.get_auth ? g.get_s.cookie : "",
          g.get_auth ? "\r\n" : "");
    c->out_off = 0;
    return;
  }
  char path[128], body[2048];
  if (c->step == 0) {
    const party *p = &g.parties[(size_t)(c->id + c->n * g.clients) % g.n_parties];
    snprintf(body, sizeof body,
             "{\"kind\":\"penalty\",\"department_id\":%ld,\"matter_code\":\"%s\","
             "\"party_type\":\"organisation\",\"party_name\":%s,"
             "\"entity_code\":\"%s\",\"act_date\":\"%s\",\"source\":\"complaint\","
             "\"source_ref\":\"12345-bench-%d-%ld\",\"facts\":\"经营场所内商品未"
             "按规定明码标价\",\"circumstances\":{\"harm\":\"general\","
             "\"corrected\":false}}",
             g.department, g.matter, p->name, p->code, g.act_date, c->id, c->n);
    build_post(c, "/api/v1/cases", &g.off_s, body);
    return;
  }
  static const char *const bodies[N_STEPS] = {
      NULL, NULL, "{\"kinds\":[\"罚款\"],\"fine\":\"2000\"}",
      "{\"kinds\":[\"罚款\"],\"fine\":\"2000\"}",
      "{\"method\":\"直接送达\"}", "{\"how\":\"当事人已履行\"}", "{}"};
  const int by_head = c->step == 1 || c->step == 3 || c->step == 6;
  snprintf(path, sizeof path, "/api/v1/cases/%lld/steps/%s", c->case_id,
           step_names[c->step]);
  if (c->step == 1)
    snprintf(body, sizeof body, "{\"officers\":[%s]}", g.handlers);
  else
    snprintf(body, sizeof body, "%s", bodies[c->step]);
  build_post(c, path, by_head ? &g.head_s : &g.off_s, body);
}

static void fail(const client *c, int status, const char *body, size_t len) {
  fprintf(stderr, "cases_bench: client %d, %s of case %lld: HTTP %d: %.*s\n",
          c->id, g.cases ? step_names[c->step] : g.path, c->case_id, status,
          (int)(len > 2000 ? 2000 : len), body);
  exit(1);
}

/* Takes a complete answer: counts it, checks it, moves the client on. */
static void on_answer(worker *w, client *c, int status, const char *body,
                      size_t len, double t) {
  int counted = t >= g.t_measure && t < g.t_end;
  double lat = t - c->sent_at;
  stats *s = &w->st;
  if (counted) {
    s->requests++;
    int b = (int)(lat * 1e4);
    s->hist[b > HIST_BUCKETS ? HIST_BUCKETS : b]++;
  }
  if (!g.cases) {
    if (status != 200) fail(c, status, body, len);
    return;
  }
  int step = c->step;
  if (counted) {
    s->step_n[step]++;
    s->step_sum[step] += lat;
    if (lat > s->step_max[step]) s->step_max[step] = lat;
  }
  if (step == 0) {
    if (status != 201) fail(c, status, body, len);
    json_t *j = json_loadb(body, len, 0, NULL);
    json_int_t id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    if (id <= 0) fail(c, status, body, len);
    c->case_id = id;
    c->n++;
  } else if (status != 200) {
    fail(c, status, body, len);
  } else if (step == 3) {
    json_t *j = json_loadb(body, len, 0, NULL);
    const char *stage = json_string_value(json_object_get(j, "stage"));
    if (!stage || strcmp(stage, "decided") != 0) fail(c, status, body, len);
    if (counted && json_is_true(json_object_get(j, "outside_range"))) s->outside++;
    json_decref(j);
  } else if (step == N_STEPS - 1) {
    json_t *j = json_loadb(body, len, 0, NULL);
    const char *stage = json_string_value(json_object_get(j, "stage"));
    if (!stage || strcmp(stage, "closed") != 0) fail(c, status, body, len);
    json_decref(j);
    if (counted) s->cases++;
  }
  c->step = (step + 1) % N_STEPS;
}

/* Waits for the socket to take more (EPOLLOUT) only while a request is
 * half sent: one epoll_ctl per change of interest, not per request. */
static void want_out(worker *w, client *c, int yes) {
  if (c->want_out == yes) return;
  struct epoll_event ev = {.events = EPOLLIN | (yes ? EPOLLOUT : 0u),
                           .data.ptr = c};
  epoll_ctl(w->ep, EPOLL_CTL_MOD, c->fd, &ev);
  c->want_out = yes;
}

static void send_some(worker *w, client *c) {
  while (c->out_off < c->out_len) {
    ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
    if (n > 0) {
      c->out_off += (size_t)n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      want_out(w, c, 1);
      return;
    }
    die("write: %s%s", strerror(errno), NULL);
  }
  want_out(w, c, 0);
}

static void start_request(worker *w, client *c) {
  build_next(c);
  c->in_len = 0;
  c->sent_at = now_s();
  send_some(w, c);
}

static void *work(void *arg) {
  worker *w = arg;
  w->ep = epoll_create1(0);
  if (w->ep < 0) die("epoll: %s%s", strerror(errno), NULL);
  for (int i = 0; i < w->count; i++) {
    client *c = &w->cl[i];
    c->fd = connect_to(g.port);
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    c->in_cap = 16384;
    c->in = malloc(c->in_cap);
    if (!c->in) die("out of memory%s%s", NULL, NULL);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    epoll_ctl(w->ep, EPOLL_CTL_ADD, c->fd, &ev);
    start_request(w, c);
  }
  struct epoll_event evs[64];
  while (!atomic_load(&g.stop)) {
    int n = epoll_wait(w->ep, evs, 64, 50);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("epoll_wait: %s%s", strerror(errno), NULL);
    for (int i = 0; i < n; i++) {
      client *c = evs[i].data.ptr;
      if (evs[i].events & EPOLLOUT) send_some(w, c);
      if (!(evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
      /* One read per wake-up: epoll is level-triggered, so whatever is
       * left wakes us again; an answer usually comes in one piece. */
      if (c->in_len == c->in_cap) {
        c->in = realloc(c->in, c->in_cap *= 2);
        if (!c->in) die("out of memory%s%s", NULL, NULL);
      }
      ssize_t r;
      do r = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
      while (r < 0 && errno == EINTR);
      if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
      if (r <= 0) {
        if (atomic_load(&g.stop)) break;
        die("the server closed a connection (%s)%s",
            r == 0 ? "end of stream" : strerror(errno), NULL);
      }
      c->in_len += (size_t)r;
      int status;
      size_t body, len;
      int rc = parse_answer(c->in, c->in_len, &status, &body, &len);
      if (rc < 0) die("unreadable answer: %.200s%s", c->in, NULL);
      if (rc == 0) continue;
      if (body + len != c->in_len) die("answer followed by more bytes%s%s", NULL, NULL);
      on_answer(w, c, status, c->in + body, len, now_s());
      if (!atomic_load(&g.stop)) start_request(w, c);
    }
  }
  for (int i = 0; i < w->count; i++) {
    close(w->cl[i].fd);
    free(w->cl[i].in);
  }
  close(w->ep);
  return NULL;
}

/* ---- measurement -------------------------------------------------------- */

static double self_cpu(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 +
         (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec / 1e6;
}

/* utime + stime of pid (or of its thread tid), seconds */
static double proc_cpu(int pid, int tid) {
  if (pid <= 0) return 0;
  char p[64], buf[2048];
  if (tid > 0) snprintf(p, sizeof p, "/proc/%d/task/%d/stat", pid, tid);
  else snprintf(p, sizeof p, "/proc/%d/stat", pid);
  FILE *f = fopen(p, "r");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *s = strrchr(buf, ')');
  unsigned long ut = 0, st = 0;
  if (!s || sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                   &ut, &st) != 2)
    return 0;
  return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Busy and total jiffies of the whole machine. */
static void machine_cpu(double *busy, double *total) {
  unsigned long long v[8] = {0};
  FILE *f = fopen("/proc/stat", "r");
  if (!f || fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
                   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8) {
    *busy = *total = 0;
  } else {
    *total = 0;
    for (int i = 0; i < 8; i++) *total += (double)v[i];
    *busy = *total - (double)v[3] - (double)v[4]; /* less idle and iowait */
  }
  if (f) fclose(f);
}

/* CPU seconds of pid's threads named name ("MHD-worker"), or of all the
 * others when other is set (the writer, the main thread). */
static double threads_cpu(int pid, const char *name, int other) {
  if (pid <= 0) return 0;
  char p[64];
  snprintf(p, sizeof p, "/proc/%d/task", pid);
  DIR *d = opendir(p);
  if (!d) return 0;
  double sum = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] == '.') continue;
    char path[300], comm[64] = "";
    snprintf(path, sizeof path, "/proc/%d/task/%s/comm", pid, e->d_name);
    FILE *f = fopen(path, "r");
    if (!f) continue;
    if (fgets(comm, sizeof comm, f)) comm[strcspn(comm, "\n")] = 0;
    fclose(f);
    if ((strcmp(comm, name) == 0) == other) continue;
    sum += proc_cpu(pid, atoi(e->d_name));
  }
  closedir(d);
  return sum;
}

static void sleep_until(double t) {
  for (double d; (d = t - now_s()) > 0;) {
    struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
    nanosleep(&ts, NULL);
  }
}

static double percentile(const long *h, long total, double q) {
  long want = (long)((double)total * q), seen = 0;
  for (int i = 0; i <= HIST_BUCKETS; i++)
    if ((seen += h[i]) > want) return (i + 0.5) / 10.0; /* ms */
  return HIST_BUCKETS / 10.0;
}

static const char *arg(int argc, char **argv, int *i) {
  if (*i + 1 >= argc) die("%s needs a value%s", argv[*i], NULL);
  return argv[++*i];
}

int main(int argc, char **argv) {
  if (argc < 2 || (strcmp(argv[1], "get") && strcmp(argv[1], "cases"))) {
    fputs(usage, stderr);
    return 2;
  }
  g.cases = strcmp(argv[1], "cases") == 0;
  for (int i = 2; i < argc; i++) {
    const char *o = argv[i];
    if (!strcmp(o, "--port")) g.port = atoi(arg(argc, argv, &i));
    else if (!strcmp(o, "--clients")) g.clients = atoi(arg(argc, argv, &i));
    else if (!strcmp(o, "--threads")) g.threads = atoi(arg(argc, argv, &i));
    else if (!strcmp(o, "--seconds")) g.seconds = atof(arg(argc, argv, &i));
    else if (!strcmp(o, "--warmup")) g.warmup = atof(arg(argc, argv, &i));
    else if (!strcmp(o, "--server-pid")) g.server_pid = atoi(arg(argc, argv, &i));
    else if (!strcmp(o, "--path")) g.path = arg(argc, argv, &i);
    else if (!strcmp(o, "--user")) g.user = arg(argc, argv, &i);
    else if (!strcmp(o, "--password")) g.password = arg(argc, argv, &i);
    else if (!strcmp(o, "--officer")) g.officer = arg(argc, argv, &i);
    else if (!strcmp(o, "--head")) g.head = arg(argc, argv, &i);
    else if (!strcmp(o, "--department")) g.department = atol(arg(argc, argv, &i));
    else if (!strcmp(o, "--handlers")) g.handlers = arg(argc, argv, &i);
    else if (!strcmp(o, "--entities")) g.entities = arg(argc, argv, &i);
    else if (!strcmp(o, "--act-date")) g.act_date = arg(argc, argv, &i);
    else if (!strcmp(o, "--matter")) g.matter = arg(argc, argv, &i);
    else {
      fputs(usage, stderr);
      return 2;
    }
  }
  if (g.port <= 0 || g.clients <= 0 || g.threads <= 0 || g.seconds <= 0 ||
      g.warmup < 0) {
    fputs(usage, stderr);
    return 2;
  }
  if (g.threads > g.clients) g.threads = g.clients;
  if (g.cases) {
    if (!g.officer || !g.head || !g.password || g.department <= 0 ||
        !g.handlers || !g.entities || !g.act_date) {
      fputs(usage, stderr);
      return 2;
    }
    for (const char *p = g.handlers; *p; p++)
      if (!isdigit((unsigned char)*p) && *p != ',') die("--handlers: ids, by commas%s%s", NULL, NULL);
    load_parties(g.entities);
    login(g.officer, &g.off_s);
    login(g.head, &g.head_s);
  } else if (g.user) {
    if (!g.password) die("--user needs --password%s%s", NULL, NULL);
    login(g.user, &g.get_s);
    g.get_auth = 1;
  }

  worker *ws = calloc((size_t)g.threads, sizeof *ws);
  client *cl = calloc((size_t)g.clients, sizeof *cl);
  if (!ws || !cl) die("out of memory%s%s", NULL, NULL);
  for (int i = 0; i < g.clients; i++) cl[i].id = i;
  double t0 = now_s();
  g.t_measure = t0 + g.warmup;
  g.t_end = g.t_measure + g.seconds;
  for (int t = 0, at = 0; t < g.threads; t++) {
    ws[t].count = g.clients / g.threads + (t < g.clients % g.threads);
    ws[t].cl = cl + at;
    at += ws[t].count;
    if (pthread_create(&ws[t].thread, NULL, work, &ws[t]))
      die("cannot start a thread%s%s", NULL, NULL);
  }
  sleep_until(g.t_measure);
  double cpu0 = self_cpu(), srv0 = proc_cpu(g.server_pid, 0), busy0, total0;
  double http0 = threads_cpu(g.server_pid, "MHD-worker", 0);
  double rest0 = threads_cpu(g.server_pid, "MHD-worker", 1);
  machine_cpu(&busy0, &total0);
  sleep_until(g.t_end);
  double cpu1 = self_cpu(), srv1 = proc_cpu(g.server_pid, 0), busy1, total1;
  double http1 = threads_cpu(g.server_pid, "MHD-worker", 0);
  double rest1 = threads_cpu(g.server_pid, "MHD-worker", 1);
  machine_cpu(&busy1, &total1);
  double load[1] = {0};
  getloadavg(load, 1);
  atomic_store(&g.stop, 1);
  for (int t = 0; t < g.threads; t++) pthread_join(ws[t].thread, NULL);

  stats all = {0};
  for (int t = 0; t < g.threads; t++) {
    stats *s = &ws[t].st;
    all.requests += s->requests;
    all.cases += s->cases;
    all.outside += s->outside;
    for (int k = 0; k < N_STEPS; k++) {
      all.step_n[k] += s->step_n[k];
      all.step_sum[k] += s->step_sum[k];
      if (s->step_max[k] > all.step_max[k]) all.step_max[k] = s->step_max[k];
    }
    for (int b = 0; b <= HIST_BUCKETS; b++) all.hist[b] += s->hist[b];
  }
  if (!all.requests) die("no answer within the measured window%s%s", NULL, NULL);
  double secs = g.seconds, cpu = cpu1 - cpu0;
  if (g.cases) {
    for (int k = 0; k < N_STEPS; k++)
      printf("  %-8s %8ld answers, mean %7.2f ms, max %8.2f ms\n", step_names[k],
             all.step_n[k],
             all.step_n[k] ? all.step_sum[k] / (double)all.step_n[k] * 1e3 : 0.0,
             all.step_max[k] * 1e3);
    printf("STAT cases=%ld\nSTAT cases_per_s=%.1f\nSTAT outside_range=%ld\n",
           all.cases, (double)all.cases / secs, all.outside);
  }
  printf("STAT requests=%ld\nSTAT rps=%.1f\n", all.requests,
         (double)all.requests / secs);
  printf("STAT p50_ms=%.1f\nSTAT p99_ms=%.1f\n",
         percentile(all.hist, all.requests, 0.5),
         percentile(all.hist, all.requests, 0.99));
  printf("STAT driver_cpu_pct=%.0f\nSTAT driver_us_per_req=%.1f\n",
         cpu / secs * 100, cpu / (double)all.requests * 1e6);
  if (g.server_pid > 0)
    printf("STAT server_cpu_pct=%.0f\nSTAT server_us_per_req=%.1f\n",
           (srv1 - srv0) / secs * 100,
           (srv1 - srv0) / (double)all.requests * 1e6);
  if (g.server_pid > 0) /* the writer and the (idle) main thread */
    printf("STAT server_http_cpu_pct=%.0f\nSTAT server_other_cpu_pct=%.0f\n",
           (http1 - http0) / secs * 100, (rest1 - rest0) / secs * 100);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (total1 > total0)
    printf("STAT machine_busy_pct=%.0f\n",
           (busy1 - busy0) / (total1 - total0) * 100 * (double)cores);
  printf("STAT load1=%.2f\n", load[0]);
  free(ws);
  free(cl);
  return 0;
}
