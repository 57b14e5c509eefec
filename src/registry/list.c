/* list.c — lists of registry records: filters, text search, sorting and
 * keyset (cursor) paging, for the API's pages and for exports. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/rec_int.h"

#define MAX_BINDS 48

fz_err fz_reg_query_parse(fz_reg_kind kind,
                          const char *(*get)(void *ctx, const char *name),
                          void *ctx, fz_reg_query *q, fz_error *err) {
  const fz_rkind *k = fz_reg_kind_get(kind);
  memset(q, 0, sizeof *q);
  q->active = 1;
  q->limit = 50;
  for (size_t i = 0; i < k->nfields; i++)
    if (k->fields[i].flags & FZ_FF_FILTER) q->filter[i] = get(ctx, k->fields[i].name);
  q->q = get(ctx, "q");
  q->sort = get(ctx, "sort");
  q->cursor = get(ctx, "cursor");
  const char *a = get(ctx, "active"), *l = get(ctx, "limit");
  if (a) {
    if (strcmp(a, "1") == 0 || strcmp(a, "true") == 0) q->active = 1;
    else if (strcmp(a, "0") == 0 || strcmp(a, "false") == 0) q->active = 0;
    else if (strcmp(a, "all") == 0) q->active = -1;
    else
      return fz_error_set(err, FZ_INVALID, "active",
                          "active 应为 1、0 或 all / active is 1, 0 or all");
  }
  if (l) {
    char *end;
    long n = strtol(l, &end, 10);
    if (!isdigit((unsigned char)*l) || *end || n < 1 || n > 1000)
      return fz_error_set(err, FZ_INVALID, "limit",
                          "limit 应为 1 到 1000 / limit is 1 to 1000");
    q->limit = (int)n;
  }
  if (q->q && strlen(q->q) > 200)
    return fz_error_set(err, FZ_TOOBIG, "q", "q 过长 / q is too long");
  return FZ_OK;
}

/* The field a sort names ("name" or "-name"); -1 for id. */
static fz_err sort_field(const fz_rkind *k, const char *sort, int *field,
                         int *desc, fz_error *err) {
  *field = -1;
  *desc = 0;
  if (!sort || !*sort) return FZ_OK;
  if (*sort == '-') *desc = 1, sort++;
  if (strcmp(sort, "id") == 0) return FZ_OK;
  int i = fz_reg_field_find(k->kind, sort);
  if (i >= 0 && (k->fields[i].flags & FZ_FF_SORT) &&
      strcmp(k->fields[i].name, sort) == 0) {
    *field = i;
    return FZ_OK;
  }
  char list[256] = "id";
  size_t used = 2;
  for (size_t j = 0; j < k->nfields; j++)
    if (k->fields[j].flags & FZ_FF_SORT) {
      int n = snprintf(list + used, sizeof list - used, ", %s",
                       k->fields[j].name);
      if (n > 0 && (size_t)n < sizeof list - used) used += (size_t)n;
    }
  return fz_error_set(err, FZ_INVALID, "sort",
                      "不能按 \"%s\" 排序 / cannot sort by \"%s\"; by: %s "
                      "(prefix - for descending)",
                      sort, sort, list);
}

/* A cursor is "<id>" when sorting by id, else "<id>:<hex of the value>". */
static fz_err cursor_parse(const char *c, int field, int64_t *id, char *value,
                           size_t size, fz_error *err) {
  char *end;
  *id = strtoll(c, &end, 10);
  int ok = isdigit((unsigned char)*c) && *id > 0;
  if (ok && field >= 0) {
    ok = *end == ':';
    const char *h = end + 1;
    size_t n = strlen(h);
    ok = ok && n % 2 == 0 && n / 2 < size;
    for (size_t i = 0; ok && i < n / 2; i++) {
      unsigned v = 0;
      ok = isxdigit((unsigned char)h[2 * i]) &&
           isxdigit((unsigned char)h[2 * i + 1]) &&
           sscanf(h + 2 * i, "%2x", &v) == 1;
      value[i] = (char)v;
    }
    if (ok) value[n / 2] = '\0';
  } else if (ok) {
    ok = *end == '\0';
  }
  if (!ok)
    return fz_error_set(err, FZ_INVALID, "cursor",
                        "cursor 无效：请使用上一页返回的 next_cursor / use the "
                        "next_cursor of the previous page with the same sort");
  return FZ_OK;
}

#define CURSOR_MAX (24 + 2 * FZ_REC_VALUE_MAX)

/* The cursor after row into buf (CURSOR_MAX bytes). */
static void cursor_text(const fz_rec_row *row, int field, char *buf) {
  static const char hex[] = "0123456789abcdef";
  int n = snprintf(buf, CURSOR_MAX, "%lld", (long long)row->id);
  if (field >= 0) {
    buf[n++] = ':';
    for (const unsigned char *p = (const unsigned char *)row->v[field]; *p; p++) {
      buf[n++] = hex[*p >> 4];
      buf[n++] = hex[*p & 15];
    }
    buf[n] = '\0';
  }
}

static json_t *cursor_make(const fz_rec_row *row, int field) {
  char buf[CURSOR_MAX];
  cursor_text(row, field, buf);
  return json_string(buf);
}

/* Escapes LIKE's % _ and \ with \. */
static void like_escape(const char *s, char *out, size_t size) {
  size_t n = 0;
  for (; *s && n + 3 < size; s++) {
    if (*s == '%' || *s == '_' || *s == '\\') out[n++] = '\\';
    out[n++] = *s;
  }
  out[n] = '\0';
}

/* Everything a query needs held while its statement runs. */
typedef struct built {
  fz_buf sql;
  const char *binds[MAX_BINDS];
  int nbind;
  int64_t ints[MAX_BINDS];
  int is_int[MAX_BINDS];
  char store[MAX_BINDS][FZ_REC_VALUE_MAX];
  int nstore;
  int field, desc;
} built;

static const char *keep(built *b, const char *s) {
  char *d = b->store[b->nstore++];
  size_t n = strnlen(s, FZ_REC_VALUE_MAX - 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

static void bind_text(built *b, const char *s) {
  b->is_int[b->nbind] = 0;
  b->binds[b->nbind++] = s;
}

static void bind_int(built *b, int64_t v) {
  b->is_int[b->nbind] = 1;
  b->ints[b->nbind++] = v;
}

/* Builds the SELECT of q (without LIMIT when limit is 0). */
static fz_err build(fz_db *db, const fz_principal *by, const fz_rkind *k,
                    const fz_reg_query *q, int limit, built *b,
                    fz_error *err) {
  fz_buf_init(&b->sql, 16384);
  fz_err rc = sort_field(k, q->sort, &b->field, &b->desc, err);
  if (rc) return rc;
  fz_buf_puts(&b->sql, "SELECT ");
  fz_rec_select_list(db, k, &b->sql);
  fz_buf_printf(&b->sql, " FROM %s t WHERE 1 = 1", k->table);
  if (q->active >= 0) fz_buf_printf(&b->sql, " AND t.active = %d", q->active);
  for (size_t i = 0; i < k->nfields; i++) {
    const fz_rfield *f = &k->fields[i];
    const char *v = q->filter[i];
    if (!v) continue;
    if (f->type == FZ_F_REGION || f->type == FZ_F_INDUSTRY) {
      /* A prefix: 21 (辽宁), 2101 (沈阳), C (制造业), C13. */
      size_t n = strlen(v);
      int ok = n >= 1 && n <= 6;
      for (size_t j = 0; ok && j < n; j++)
        ok = f->type == FZ_F_REGION ? isdigit((unsigned char)v[j])
                                    : (j == 0 ? isupper((unsigned char)v[j])
                                              : isdigit((unsigned char)v[j]));
      if (!ok)
        return fz_error_set(err, FZ_INVALID, f->name,
                            f->type == FZ_F_REGION
                                ? "行政区划筛选应为 1–6 位数字前缀 / a prefix "
                                  "of 1 to 6 digits"
                                : "行业筛选应为门类字母加可选的大类数字（如 C "
                                  "或 C13） / a section letter and optional "
                                  "division digits");
      char col[80];
      snprintf(col, sizeof col, "t.%s", f->name);
      if (f->type == FZ_F_REGION) {
        fz_reg_prefix_sql(&b->sql, col, v, b->binds, &b->nbind,
                          b->store[b->nstore++], FZ_REC_VALUE_MAX);
        b->is_int[b->nbind - 1] = 0;
      } else {
        /* substr, not LIKE: see fz_reg_prefix_sql. */
        fz_buf_printf(&b->sql, " AND substr(%s, 1, %zu) = ?", col, n);
        bind_text(b, keep(b, v));
      }
    } else if (f->type == FZ_F_TAGS) {
      char esc[FZ_REC_VALUE_MAX], like[FZ_REC_VALUE_MAX + 8];
      like_escape(v, esc, sizeof esc);
      snprintf(like, sizeof like, "%%;%s;%%", esc);
      fz_buf_printf(&b->sql, " AND (';' || t.%s || ';') LIKE ? ESCAPE '\\'",
                    f->name);
      bind_text(b, keep(b, like));
    } else {
      char norm[FZ_REC_VALUE_MAX];
      const char *out;
      rc = fz_reg_value_check(k->kind, i, v, norm, sizeof norm, &out, err);
      if (rc == FZ_MISSING) rc = FZ_OK, out = "";
      if (rc) return rc;
      /* ?department_id= lists an officer of that department as his
       * primary one or as one of his others (the kind's link). */
      int linked = k->link_table && k->parent_field &&
                   strcmp(f->name, k->parent_field) == 0;
      if (linked)
        fz_buf_printf(&b->sql, " AND (t.%s = ? OR t.id IN (SELECT l.%s FROM "
                      "%s l WHERE l.%s = ?))", f->name, k->link_owner,
                      k->link_table, k->link_column);
      else
        fz_buf_printf(&b->sql, " AND t.%s = ?", f->name);
      for (int twice = 0; twice <= linked; twice++) {
        if (f->type == FZ_F_INT || f->type == FZ_F_BOOL)
          bind_int(b, strtoll(out, NULL, 10));
        else
          bind_text(b, keep(b, out));
      }
    }
  }
  if (q->q && *q->q) {
    const fz_rfield *s = &k->fields[k->search];
    char esc[FZ_REC_VALUE_MAX], like[FZ_REC_VALUE_MAX + 4];
    like_escape(q->q, esc, sizeof esc);
    snprintf(like, sizeof like, "%%%s%%", esc);
    fz_buf_printf(&b->sql, " AND (t.%s LIKE ? ESCAPE '\\'", s->name);
    bind_text(b, keep(b, like));
    if (k->key >= 0) {
      fz_buf_printf(&b->sql, " OR t.%s = ?", k->fields[k->key].name);
      bind_text(b, keep(b, q->q));
    }
    fz_buf_puts(&b->sql, ")");
  }
  {
    const char *sb[8];
    int ns = 0;
    rc = fz_rec_scope_sql(db, by, k, &b->sql, sb, &ns, b->store[b->nstore],
                          FZ_REC_VALUE_MAX, err);
    if (rc) return rc;
    if (ns) b->nstore++;
    for (int i = 0; i < ns; i++) bind_text(b, sb[i]);
  }
  const char *cmp = b->desc ? "<" : ">";
  if (q->cursor) {
    int64_t after;
    char value[FZ_REC_VALUE_MAX];
    rc = cursor_parse(q->cursor, b->field, &after, value, sizeof value, err);
    if (rc) return rc;
    if (b->field < 0) {
      fz_buf_printf(&b->sql, " AND t.id %s ?", cmp);
      bind_int(b, after);
    } else {
      const char *col = k->fields[b->field].name;
      fz_buf_printf(&b->sql, " AND (t.%s %s ? OR (t.%s = ? AND t.id %s ?))",
                    col, cmp, col, cmp);
      const char *v = keep(b, value);
      bind_text(b, v);
      bind_text(b, v);
      bind_int(b, after);
    }
  }
  const char *dir = b->desc ? " DESC" : "";
  if (b->field >= 0)
    fz_buf_printf(&b->sql, " ORDER BY t.%s%s, t.id%s",
                  k->fields[b->field].name, dir, dir);
  else
    fz_buf_printf(&b->sql, " ORDER BY t.id%s", dir);
  if (limit) fz_buf_printf(&b->sql, " LIMIT %d", limit + 1);
  if (b->sql.err) return fz_error_set(err, b->sql.err, "", NULL);
  return FZ_OK;
}

static fz_err run(fz_db *db, built *b, fz_stmt **st, fz_error *err) {
  fz_err rc = fz_db_prepare(db, b->sql.data, st, err);
  for (int i = 0; !rc && i < b->nbind; i++)
    rc = b->is_int[i] ? fz_stmt_bind_int64(*st, i + 1, b->ints[i])
                      : fz_stmt_bind_text(*st, i + 1, b->binds[i], -1);
  return rc;
}

/* Runs q (limit rows and one more, or all when limit is 0) and calls
 * visit(ctx, row, sort field) for each row until it returns non-zero.
 * Business users need read_business; the public view needs nothing. */
static fz_err scan(fz_db *db, const fz_principal *by, const fz_rkind *k,
                   const fz_reg_query *q, int limit, fz_reg_view view,
                   int (*visit)(void *ctx, const fz_rec_row *row, int field),
                   void *ctx, fz_error *err) {
  if (view != FZ_VIEW_PUBLIC && !by->cli &&
      !fz_role_can(by->scope.roles, FZ_PERM_READ_BUSINESS))
    return fz_error_set(err, FZ_FORBIDDEN, "",
                        "此账号无权查看业务数据 / this account may not read "
                        "business data (read_business)");
  /* Not zeroed: build sets what it uses (a zeroed store costs more than
   * the page of a list's query). */
  built *b = malloc(sizeof *b);
  if (b) {
    b->nbind = b->nstore = 0;
    fz_buf_init(&b->sql, 16384);
  }
  fz_rec_row *row = malloc(sizeof *row);
  fz_stmt *st = NULL;
  fz_err rc = b && row ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);
  if (!rc) rc = build(db, by, k, q, limit, b, err);
  if (!rc) rc = run(db, b, &st, err);
  int r = FZ_STEP_DONE;
  while (!rc && (r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    fz_rec_read(k, st, row);
    if (visit(ctx, row, b->field)) break;
  }
  if (!rc && r != FZ_STEP_ROW && r != FZ_STEP_DONE) rc = (fz_err)r;
  fz_stmt_finalize(st);
  if (b) fz_buf_free(&b->sql);
  free(b);
  free(row);
  return rc;
}

typedef struct page {
  fz_db *db;
  const fz_rkind *k;
  fz_reg_view view;
  int limit, n, more;
  json_t *items, *last; /* last: the cursor after the last row shown */
} page;

static int add_to_page(void *ctx, const fz_rec_row *row, int field) {
  page *p = ctx;
  /* One more than asked: there is a next page, after the last shown. */
  if (p->n == p->limit) {
    p->more = 1;
    return 1;
  }
  json_array_append_new(p->items, fz_rec_json(p->db, p->k, row, p->view));
  p->n++;
  json_decref(p->last);
  p->last = cursor_make(row, field);
  return 0;
}

fz_err fz_reg_list(fz_db *db, const fz_principal *by, fz_reg_kind kind,
                   const fz_reg_query *q, fz_reg_view view, json_t **out,
                   fz_error *err) {
  const fz_rkind *k = fz_reg_kind_get(kind);
  page p = {db, k, view, q->limit, 0, 0, json_array(), NULL};
  fz_err rc = p.items ? scan(db, by, k, q, q->limit, view, add_to_page, &p, err)
                      : fz_error_set(err, FZ_NOMEM, "", NULL);
  if (!rc) {
    *out = json_pack("{s:o, s:o}", "items", p.items, "next_cursor",
                     p.more && p.last ? json_incref(p.last) : json_null());
    p.items = NULL;
  }
  json_decref(p.items);
  json_decref(p.last);
  return rc;
}

/* A page being written as JSON text. */
typedef struct text_page {
  fz_db *db;
  const fz_rkind *k;
  fz_reg_view view;
  int limit, n, more;
  fz_buf *out;
  char last[CURSOR_MAX]; /* the cursor after the last row shown */
} text_page;

static int add_to_text(void *ctx, const fz_rec_row *row, int field) {
  text_page *p = ctx;
  if (p->n == p->limit) {
    p->more = 1;
    return 1;
  }
  if (p->n++) fz_buf_append(p->out, ",", 1);
  fz_rec_json_text(p->db, p->k, row, p->view, p->out);
  /* Only the page's last row can be followed by a next page. */
  if (p->n == p->limit) cursor_text(row, field, p->last);
  return p->out->err != FZ_OK;
}

fz_err fz_reg_list_text(fz_db *db, const fz_principal *by, fz_reg_kind kind,
                        const fz_reg_query *q, fz_reg_view view, fz_buf *out,
                        fz_error *err) {
  const fz_rkind *k = fz_reg_kind_get(kind);
  text_page *p = malloc(sizeof *p);
  if (!p) return fz_error_set(err, FZ_NOMEM, "", NULL);
  *p = (text_page){db, k, view, q->limit, 0, 0, out, ""};
  fz_buf_puts(out, "{\"items\":[");
  fz_err rc = scan(db, by, k, q, q->limit, view, add_to_text, p, err);
  if (!rc) {
    fz_buf_puts(out, "],\"next_cursor\":");
    if (p->more && p->n) {
      /* A cursor is digits, ':' and hex: nothing in it to escape. */
      fz_buf_append(out, "\"", 1);
      fz_buf_puts(out, p->last);
      fz_buf_append(out, "\"", 1);
    } else {
      fz_buf_puts(out, "null");
    }
    fz_buf_append(out, "}", 1);
    if (out->err) rc = fz_error_set(err, out->err, "", NULL);
  }
  free(p);
  return rc;
}

typedef struct cells_ctx {
  const fz_rkind *k;
  int (*each)(void *ctx, const char *const *cells, size_t n);
  void *ctx;
} cells_ctx;

size_t fz_rec_columns(const fz_rkind *k, int *order) {
  size_t n = 0;
  for (size_t i = 0; i < k->nfields; i++)
    if (k->fields[i].type != FZ_F_IDS) order[n++] = (int)i;
  order[n++] = -1;
  for (size_t i = 0; i < k->nfields; i++)
    if (k->fields[i].type == FZ_F_IDS) order[n++] = (int)i;
  return n;
}

static int add_cells(void *ctx, const fz_rec_row *row, int field) {
  cells_ctx *c = ctx;
  const char *cells[FZ_REC_MAX_FIELDS + 1];
  int order[FZ_REC_MAX_FIELDS + 1];
  size_t n = fz_rec_columns(c->k, order);
  for (size_t i = 0; i < n; i++)
    cells[i] = order[i] < 0 ? (row->active ? "1" : "0") : row->v[order[i]];
  return c->each(c->ctx, cells, n);
}

fz_err fz_reg_each(fz_db *db, const fz_principal *by, fz_reg_kind kind,
                   const fz_reg_query *q,
                   int (*each)(void *ctx, const char *const *cells, size_t n),
                   void *ctx, fz_error *err) {
  const fz_rkind *k = fz_reg_kind_get(kind);
  cells_ctx c = {k, each, ctx};
  return scan(db, by, k, q, 0, FZ_VIEW_FULL, add_cells, &c, err);
}
