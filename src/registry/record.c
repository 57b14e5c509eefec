/* record.c — creating, reading, changing, deactivating and listing
 * registry records of every kind, from the field tables of kinds.c.
 *
 * Values travel as normalised text (see fz_rec); SQL is built from the
 * field table, with the statement cache of store/db.h keeping each distinct
 * text prepared once per connection. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "id/id.h"
#include "id/seal.h"
#include "ledger/ledger.h"
#include "registry/rec_int.h"

static const fz_seal_key *seal_key;

void fz_reg_set_seal_key(const fz_seal_key *key) { seal_key = key; }
const fz_seal_key *fz_reg_seal_key(void) { return seal_key; }

/* ---- Columns -------------------------------------------------------------- */

/* The ids record t lists in k's link table, as one text "3;5" (in no
 * promised order: fz_rec_read sorts them) or NULL. */
static void link_select(fz_db *db, const fz_rkind *k, fz_buf *sql) {
  if (fz_db_backend(db) == FZ_BACKEND_SQLITE)
    fz_buf_printf(sql, ", (SELECT group_concat(l.%s, ';')", k->link_column);
  else
    fz_buf_printf(sql, ", (SELECT string_agg(CAST(l.%s AS TEXT), ';')",
                  k->link_column);
  fz_buf_printf(sql, " FROM %s l WHERE l.%s = t.id)", k->link_table,
                k->link_owner);
}

/* The SELECT list of a kind: t.id, one column per field (an ID number as its
 * masked form, a list of ids from the link table), t.active, t.created_at,
 * t.updated_at. */
void fz_rec_select_list(fz_db *db, const fz_rkind *k, fz_buf *sql) {
  /* Built on every read: plain appends, no format to interpret. */
  fz_buf_puts(sql, "t.id");
  for (size_t i = 0; i < k->nfields; i++) {
    if (k->fields[i].type == FZ_F_IDS) {
      link_select(db, k, sql);
      continue;
    }
    fz_buf_puts(sql, ", t.");
    fz_buf_puts(sql, k->fields[i].type == FZ_F_RESIDENT ? "id_masked"
                                                         : k->fields[i].name);
  }
  fz_buf_puts(sql, ", t.active, t.created_at, t.updated_at");
}

/* Reads the current row (laid out as fz_rec_select_list) into row. */
void fz_rec_read(const fz_rkind *k, const fz_stmt *st, fz_rec_row *row) {
  row->id = fz_stmt_column_int64(st, 0);
  for (size_t i = 0; i < k->nfields; i++) {
    int c = (int)i + 1;
    char *b = row->buf[i];
    if (fz_stmt_column_is_null(st, c)) {
      b[0] = '\0';
    } else if (k->fields[i].type == FZ_F_INT ||
               k->fields[i].type == FZ_F_BOOL) {
      snprintf(b, FZ_REC_VALUE_MAX, "%" PRId64, fz_stmt_column_int64(st, c));
    } else {
      /* A copy cut at the buffer's size, as snprintf would, without
       * parsing a format for each of a page's cells. */
      const char *t = fz_stmt_column_text(st, c);
      size_t n = t ? strnlen(t, FZ_REC_VALUE_MAX - 1) : 0;
      if (n) memcpy(b, t, n);
      b[n] = '\0';
      if (n && k->fields[i].type == FZ_F_IDS) fz_reg_ids_sort(b);
    }
    row->v[i] = b;
  }
  int c = (int)k->nfields + 1;
  row->active = (int)fz_stmt_column_int64(st, c);
  row->created_at = fz_stmt_column_int64(st, c + 1);
  row->updated_at = fz_stmt_column_int64(st, c + 2);
}

/* ---- Permission and scope ------------------------------------------------- */

static fz_err need(const fz_principal *by, fz_perm perm, fz_error *err) {
  if (by->cli || fz_role_can(by->scope.roles, perm)) return FZ_OK;
  return fz_error_set(err, FZ_FORBIDDEN, "",
                      "此账号无权执行该操作（需要 %s 权限） / this account may "
                      "not do that (it needs the %s permission)",
                      fz_perm_name(perm), fz_perm_name(perm));
}

int fz_reg_can_write(const fz_principal *by, fz_reg_kind kind) {
  return by->cli || fz_role_can(by->scope.roles, fz_reg_kind_get(kind)->write_perm);
}

fz_err fz_rec_scope_sql(fz_db *db, const fz_principal *by, const fz_rkind *k,
                        fz_buf *sql, const char **binds, int *nbind,
                        char *store, size_t store_size, fz_error *err) {
  if (by->cli || !k->scope_sql) return FZ_OK;
  return k->scope_sql(db, &by->scope, sql, binds, nbind, store, store_size,
                      err);
}

/* Looks for the record of kind k within by's scope whose column col (the
 * id, or the key field) is id or, when key is not NULL, key: *found 1 or 0,
 * and the row read into row when it is not NULL. */
static fz_err find_one(fz_db *db, const fz_principal *by, const fz_rkind *k,
                       const char *col, int64_t id, const char *key,
                       fz_rec_row *row, int *found, fz_error *err) {
  fz_buf sql;
  fz_buf_init(&sql, 8192);
  const char *binds[8];
  int nbind = 0;
  char store[512];
  fz_buf_puts(&sql, "SELECT ");
  if (row) fz_rec_select_list(db, k, &sql);
  else fz_buf_puts(&sql, "1");
  fz_buf_puts(&sql, " FROM ");
  fz_buf_puts(&sql, k->table);
  fz_buf_puts(&sql, " t WHERE t.");
  fz_buf_puts(&sql, col);
  fz_buf_puts(&sql, " = ?");
  fz_err rc = fz_rec_scope_sql(db, by, k, &sql, binds, &nbind, store,
                               sizeof store, err);
  fz_stmt *st = NULL;
  if (!rc) rc = sql.err ? fz_error_set(err, sql.err, "", NULL) : FZ_OK;
  if (!rc) rc = fz_db_prepare(db, sql.data, &st, err);
  fz_buf_free(&sql);
  if (rc) return rc;
  if (key) fz_stmt_bind_text(st, 1, key, -1);
  else fz_stmt_bind_int64(st, 1, id);
  for (int i = 0; i < nbind; i++) fz_stmt_bind_text(st, i + 2, binds[i], -1);
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW && row) fz_rec_read(k, st, row);
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW && r != FZ_STEP_DONE) return (fz_err)r;
  *found = r == FZ_STEP_ROW;
  return FZ_OK;
}

/* Looks for record id of kind k within by's scope: *found 1 or 0, and the
 * row read into row when it is not NULL. */
static fz_err find_by_id(fz_db *db, const fz_principal *by, const fz_rkind *k,
                         int64_t id, fz_rec_row *row, int *found,
                         fz_error *err) {
  return find_one(db, by, k, "id", id, NULL, row, found, err);
}

/* 1 in *yes if record id of kind k exists within by's scope. */
static fz_err visible(fz_db *db, const fz_principal *by, const fz_rkind *k,
                      int64_t id, int *yes, fz_error *err) {
  return find_by_id(db, by, k, id, NULL, yes, err);
}

static fz_err out_of_scope(const char *field, const char *what,
                           fz_error *err) {
  return fz_error_set(err, FZ_FORBIDDEN, field,
                      "%s不在本账号的数据范围内 / %s lies outside this "
                      "account's data scope (DESIGN §8)",
                      what, field);
}

/* May by hang a record from the one its parent_field names (a department's
 * parent, an officer's primary department, a conflict's officer)?  Only
 * from one by can see; a record at the top is only for whoever has no
 * department. */
static fz_err parent_allows(fz_db *db, const fz_principal *by,
                            const fz_rkind *k, const char *const *v,
                            fz_error *err) {
  const char *field = k->parent_field;
  if (by->cli || !field) return FZ_OK;
  const char *ref = v[fz_reg_idx(k, field)];
  if (!ref || !*ref) {
    return by->scope.department_id ? out_of_scope(field, "上级主体", err)
                                   : FZ_OK;
  }
  int yes = 0;
  fz_err rc = visible(db, by, fz_reg_kind_get(k->parent_kind), strtoll(ref, NULL, 10),
                      &yes, err);
  if (!rc && !yes) rc = out_of_scope(field, "所属或上级", err);
  return rc;
}

/* The records a record lists (an officer's other departments, of kind
 * parent_kind) lie within by's region prefix: one of another city would
 * show the officer to its accounts and put him in its pools.  They need
 * not lie in by's department subtree (a 市场监管 head may let his officer
 * serve the city's 综合行政执法 too).  An id that names nothing is the
 * kind's check's to refuse. */
static fz_err links_allow(fz_db *db, const fz_principal *by,
                          const fz_rkind *k, const char *const *v,
                          fz_error *err) {
  int link = fz_reg_link_idx(k);
  if (by->cli || link < 0 || !by->scope.region_prefix[0] || !v[link] ||
      !*v[link])
    return FZ_OK;
  const fz_rkind *pk = fz_reg_kind_get(k->parent_kind);
  int region = -1;
  for (size_t i = 0; i < pk->nfields; i++)
    if (pk->fields[i].type == FZ_F_REGION) region = (int)i;
  if (region < 0) return FZ_OK;
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE id = ?",
           pk->fields[region].name, pk->table);
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  const fz_rfield *f = &k->fields[link];
  const char *p = v[link];
  long long id;
  while (!rc && fz_reg_ids_next(&p, &id)) {
    fz_stmt_reset(st);
    fz_stmt_bind_int64(st, 1, id);
    int r = fz_stmt_step(st, err);
    if (r == FZ_STEP_ROW &&
        !fz_scope_allows_region(&by->scope, fz_stmt_column_text(st, 0)))
      rc = fz_error_set(err, FZ_FORBIDDEN, f->name,
                        "%s 中的 %lld 不在本账号的数据范围内 / %s: %lld lies "
                        "outside this account's data scope (DESIGN §8)",
                        f->label, id, f->name, id);
    else if (r != FZ_STEP_ROW && r != FZ_STEP_DONE)
      rc = (fz_err)r;
  }
  fz_stmt_finalize(st);
  return rc;
}

/* May by create or keep a record with these values?  The regions it names
 * must lie within by's region prefix, as must the records it lists, and
 * the record it hangs from must be one by can see. */
static fz_err scope_allows(fz_db *db, const fz_principal *by,
                           const fz_rkind *k, const char *const *v,
                           fz_error *err) {
  if (by->cli) return FZ_OK;
  for (size_t i = 0; i < k->nfields; i++)
    if (k->fields[i].type == FZ_F_REGION && v[i] && *v[i] &&
        !fz_scope_allows_region(&by->scope, v[i]))
      return out_of_scope(k->fields[i].name, "行政区划", err);
  fz_err rc = parent_allows(db, by, k, v, err);
  if (!rc) rc = links_allow(db, by, k, v, err);
  return rc;
}

/* ---- Ledger ----------------------------------------------------------------- */

json_t *fz_reg_tags_json(const char *v) {
  json_t *a = json_array();
  const char *p = v ? v : "";
  while (a && *p) {
    size_t n = strcspn(p, ";");
    json_array_append_new(a, json_stringn(p, n));
    p += n + (p[n] == ';');
  }
  return a;
}

/* The value of field i as the ledger and the portal may show it: a
 * person's name masked, an ID number already masked. */
static json_t *shown(const fz_rfield *f, const char *v, int mask) {
  if (f->type == FZ_F_IDS) {
    /* A list of ids is an array, empty when there are none. */
    json_t *a = json_array();
    const char *p = v ? v : "";
    long long id;
    while (a && fz_reg_ids_next(&p, &id))
      json_array_append_new(a, json_integer(id));
    return a;
  }
  if (!v || !*v) return json_null();
  if (f->type == FZ_F_INT) return json_integer(strtoll(v, NULL, 10));
  if (f->type == FZ_F_BOOL) return json_boolean(strcmp(v, "1") == 0);
  if (f->type == FZ_F_TAGS) return fz_reg_tags_json(v);
  if (f->type == FZ_F_RESIDENT && !strchr(v, '*')) {
    /* A value on its way in (a creation's event): never shown whole. */
    char m[32];
    return json_string(fz_mask_resident(v, m, sizeof m) == FZ_OK ? m : "*");
  }
  if (mask && (f->flags & FZ_FF_PERSONAL)) {
    char m[256];
    if (fz_mask_name(v, m, sizeof m) == FZ_OK) return json_string(m);
    return json_string("*");
  }
  return json_string(v);
}

/* The JSON member name of field f: an ID number is only ever shown masked. */
static const char *member(const fz_rfield *f) {
  return f->type == FZ_F_RESIDENT ? "id_number_masked" : f->name;
}

fz_err fz_rec_event(fz_db *db, const fz_principal *by, const fz_rkind *k,
                    const char *verb, int64_t id, json_t *data, int64_t now,
                    fz_error *err) {
  char action[64], oid[24];
  snprintf(action, sizeof action, "%s.%s", k->object, verb);
  snprintf(oid, sizeof oid, "%lld", (long long)id);
  if (!data) return fz_error_set(err, FZ_NOMEM, "", NULL);
  fz_event ev = {by->actor, action, k->object, oid, data};
  fz_err rc = fz_ledger_append(db, &ev, now, NULL, err);
  json_decref(data);
  return rc;
}

/* The ledger's view of a record's values: names masked. */
static json_t *ledger_values(const fz_rkind *k, const char *const *v) {
  json_t *o = json_object();
  for (size_t i = 0; o && i < k->nfields; i++)
    json_object_set_new(o, member(&k->fields[i]), shown(&k->fields[i], v[i], 1));
  return o;
}

/* ---- Checking a whole record ------------------------------------------------ */

fz_err fz_rec_normalise(const fz_rkind *k, const fz_rec *in, int creating,
                        fz_rec_row *out, fz_error *err) {
  for (size_t i = 0; i < k->nfields; i++) {
    const fz_rfield *f = &k->fields[i];
    const char *s = in->v[i];
    out->v[i] = NULL;
    if (!s && !creating) continue;
    if (!s) s = "";
    fz_err rc = fz_reg_value_check(k->kind, i, s, out->buf[i],
                                   FZ_REC_VALUE_MAX, &out->v[i], err);
    if (rc) return rc;
    if (creating && !*out->v[i] && (f->flags & FZ_FF_DEFAULT) && f->choices)
      snprintf(out->buf[i], FZ_REC_VALUE_MAX, "%.*s",
               (int)strcspn(f->choices[0], "|"), f->choices[0]);
    if (creating && !*out->v[i] && f->type == FZ_F_BOOL)
      snprintf(out->buf[i], FZ_REC_VALUE_MAX, "0");
  }
  /* A record with a USCC and no region takes the region of its code's
   * registration authority (positions 3–8). */
  int uscc = -1, region = -1;
  for (size_t i = 0; i < k->nfields; i++) {
    if (k->fields[i].type == FZ_F_USCC && (int)i == k->key) uscc = (int)i;
    if (k->fields[i].type == FZ_F_REGION) region = (int)i;
  }
  if (creating && uscc >= 0 && region >= 0 && !*out->v[region] &&
      *out->v[uscc]) {
    snprintf(out->buf[region], FZ_REC_VALUE_MAX, "%.6s", out->v[uscc] + 2);
    out->v[region] = out->buf[region];
  }
  return FZ_OK;
}

/* Binds value v of field f at *idx (advancing it; an ID number takes three
 * parameters: sealed, index, masked).  Text is read where v lies (see
 * fz_stmt_bind_text_ref): the callers keep it until the statement is
 * reset. */
static fz_err bind_value(fz_stmt *st, const fz_rkind *k, size_t i,
                         const char *v, int *idx, fz_error *err) {
  const fz_rfield *f = &k->fields[i];
  int empty = !v || !*v;
  if (f->type == FZ_F_IDS) return FZ_OK; /* in the link table: link_write */
  if (f->type == FZ_F_RESIDENT) {
    if (empty) {
      for (int j = 0; j < 3; j++) fz_stmt_bind_null(st, (*idx)++);
      return FZ_OK;
    }
    const fz_seal_key *key = fz_reg_seal_key();
    if (!key)
      return fz_error_set(err, FZ_NODATA, f->name,
                          "no key to seal ID numbers is loaded (config "
                          "id_key); cannot store %s",
                          f->label);
    unsigned char sealed[64 + FZ_SEAL_OVERHEAD], index[32];
    size_t len;
    char masked[32];
    fz_err rc = fz_seal(key, v, strlen(v), sealed, sizeof sealed, &len, err);
    if (!rc) rc = fz_seal_index(key, v, index, err);
    if (!rc) rc = fz_mask_resident(v, masked, sizeof masked);
    if (rc) return rc;
    fz_stmt_bind_blob(st, (*idx)++, sealed, len);
    fz_stmt_bind_blob(st, (*idx)++, index, sizeof index);
    fz_stmt_bind_text(st, (*idx)++, masked, -1);
    return FZ_OK;
  }
  if (f->type == FZ_F_INT || f->type == FZ_F_BOOL) {
    if (empty) fz_stmt_bind_null(st, (*idx)++);
    else fz_stmt_bind_int64(st, (*idx)++, strtoll(v, NULL, 10));
  } else if (empty && (f->flags & FZ_FF_KEY)) {
    fz_stmt_bind_null(st, (*idx)++); /* no certificate: no number */
  } else {
    fz_stmt_bind_text_ref(st, (*idx)++, v ? v : "", -1);
  }
  return FZ_OK;
}

/* The unique columns whose clash means "already registered". */
static const char *unique_columns(const fz_rkind *k) {
  return k->key >= 0 ? k->fields[k->key].name : k->unique;
}

/* The INSERT of a record of kind k: ON CONFLICT DO NOTHING on its unique
 * columns, with RETURNING id when returning is set so that the step tells
 * whether a row went in. */
static void insert_sql(const fz_rkind *k, int returning, fz_buf *sql) {
  fz_buf_printf(sql, "INSERT INTO %s (id", k->table);
  size_t params = 1;
  for (size_t i = 0; i < k->nfields; i++) {
    if (k->fields[i].type == FZ_F_IDS) continue; /* link_write */
    if (k->fields[i].type == FZ_F_RESIDENT) {
      fz_buf_puts(sql, ", id_sealed, id_index, id_masked");
      params += 3;
    } else {
      fz_buf_printf(sql, ", %s", k->fields[i].name);
      params++;
    }
  }
  fz_buf_puts(sql, ", active, created_at, updated_at) VALUES (");
  for (size_t i = 0; i < params; i++) fz_buf_puts(sql, i ? ", ?" : "?");
  fz_buf_puts(sql, ", 1, ?, ?)");
  const char *u = unique_columns(k);
  if (u) fz_buf_printf(sql, " ON CONFLICT (%s) DO NOTHING", u);
  if (returning) fz_buf_puts(sql, " RETURNING id");
}

/* An officer's ID number belongs to one officer record. */
static fz_err id_number_free(fz_db *db, const fz_rkind *k, const char *v,
                             int64_t self, fz_error *err) {
  const fz_seal_key *key = fz_reg_seal_key();
  if (!v || !*v || !key) return FZ_OK;
  unsigned char index[32];
  fz_err rc = fz_seal_index(key, v, index, err);
  fz_stmt *st;
  if (!rc)
    rc = fz_db_prepare(db, "SELECT id FROM officers WHERE id_index = ? AND id <> ?",
                       &st, err);
  if (rc) return rc;
  fz_stmt_bind_blob(st, 1, index, sizeof index);
  fz_stmt_bind_int64(st, 2, self);
  int r = fz_stmt_step(st, err);
  int64_t other = r == FZ_STEP_ROW ? fz_stmt_column_int64(st, 0) : 0;
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW && r != FZ_STEP_DONE) return (fz_err)r;
  if (other)
    return fz_error_set(err, FZ_EXISTS, "id_number",
                        "该身份证号已登记为执法人员 %lld / this ID number is "
                        "already registered (officer %lld)",
                        (long long)other, (long long)other);
  return FZ_OK;
}

fz_err fz_rec_check_all(fz_db *db, const fz_principal *by, const fz_rkind *k,
                        int64_t id, const char *const *v, fz_error *err) {
  for (size_t i = 0; i < k->nfields; i++)
    if (k->fields[i].type == FZ_F_RESIDENT) {
      fz_err rc = id_number_free(db, k, v[i], id, err);
      if (rc) return rc;
    }
  fz_rview view = {id, v};
  fz_err rc = k->check ? k->check(db, &view, err) : FZ_OK;
  if (!rc) rc = scope_allows(db, by, k, v, err);
  return rc;
}

/* Makes v ("3;5") the ids record id lists in k's link table: the rows it
 * had are deleted first unless fresh (a record just inserted has none). */
static fz_err link_write(fz_db *db, const fz_rkind *k, int64_t id,
                         const char *v, int fresh, fz_error *err) {
  char sql[192];
  fz_stmt *st;
  int r = FZ_STEP_DONE;
  if (!fresh) {
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE %s = ?", k->link_table,
             k->link_owner);
    fz_err rc = fz_db_prepare(db, sql, &st, err);
    if (rc) return rc;
    fz_stmt_bind_int64(st, 1, id);
    r = fz_stmt_step(st, err);
    fz_stmt_finalize(st);
  }
  if (r != FZ_STEP_DONE || !v || !*v)
    return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
  snprintf(sql, sizeof sql, "INSERT INTO %s (%s, %s) VALUES (?, ?)",
           k->link_table, k->link_owner, k->link_column);
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  const char *p = v;
  long long x;
  while (r == FZ_STEP_DONE && fz_reg_ids_next(&p, &x)) {
    fz_stmt_reset(st);
    fz_stmt_bind_int64(st, 1, id);
    fz_stmt_bind_int64(st, 2, x);
    r = fz_stmt_step(st, err);
  }
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

fz_err fz_rec_insert_prepare(fz_db *db, const fz_rkind *k, fz_stmt **st,
                             fz_error *err) {
  fz_buf sql;
  fz_buf_init(&sql, 4096);
  /* SQLite runs a statement with RETURNING through a temporary table
   * built and freed at every row, which costs a bulk import more than the
   * insert itself; there the count of changes tells instead (see
   * fz_rec_insert_run).  PostgreSQL returns the row as it inserts it. */
  insert_sql(k, fz_db_backend(db) != FZ_BACKEND_SQLITE, &sql);
  fz_err rc = sql.err ? fz_error_set(err, sql.err, "", NULL)
                      : fz_db_prepare(db, sql.data, st, err);
  fz_buf_free(&sql);
  return rc;
}

fz_err fz_rec_insert_run(fz_db *db, fz_stmt *st, const fz_rkind *k,
                         int64_t id, const char *const *v, int64_t now,
                         int *inserted, fz_error *err) {
  int idx = 1;
  fz_err rc = fz_stmt_bind_int64(st, idx++, id);
  for (size_t i = 0; i < k->nfields && !rc; i++)
    rc = bind_value(st, k, i, v[i], &idx, err);
  if (!rc) {
    fz_stmt_bind_int64(st, idx++, now);
    fz_stmt_bind_int64(st, idx++, now);
    int r = fz_stmt_step(st, err);
    if (r == FZ_STEP_ROW) {
      *inserted = 1;
    } else if (r == FZ_STEP_DONE) {
      /* Without RETURNING (SQLite, see fz_rec_insert_prepare): the rows
       * the statement just inserted, 0 when the code was taken. */
      *inserted = fz_db_changes(db) > 0;
    } else {
      rc = (fz_err)r;
    }
  }
  fz_stmt_reset(st);
  int link = fz_reg_link_idx(k);
  if (!rc && *inserted && link >= 0 && *v[link])
    rc = link_write(db, k, id, v[link], 1, err);
  if (!rc && *inserted && k->placed) rc = k->placed(db, id, err);
  return rc;
}

fz_err fz_rec_insert(fz_db *db, const fz_rkind *k, int64_t id,
                     const char *const *v, int64_t now, int *inserted,
                     fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_rec_insert_prepare(db, k, &st, err);
  if (!rc) rc = fz_rec_insert_run(db, st, k, id, v, now, inserted, err);
  fz_stmt_finalize(st);
  return rc;
}

fz_err fz_rec_next_id(fz_db *db, const fz_rkind *k, int64_t *id,
                      fz_error *err) {
  char sql[96];
  snprintf(sql, sizeof sql, "SELECT COALESCE(MAX(id), 0) + 1 FROM %s",
           k->table);
  return fz_db_query_int64(db, sql, id, err);
}

fz_err fz_rec_exists_error(const fz_rkind *k, const char *const *v,
                           fz_error *err) {
  if (k->key >= 0)
    return fz_error_set(err, FZ_EXISTS, k->fields[k->key].name,
                        "%s %s 已登记 / already registered",
                        k->fields[k->key].label, v[k->key]);
  return fz_error_set(err, FZ_EXISTS, "entity_uscc",
                      "该回避关系已登记 / this conflict is already recorded");
}

fz_err fz_reg_create(fz_db *db, const fz_principal *by, fz_reg_kind kind,
                     const fz_rec *rec, int64_t now, int64_t *id,
                     fz_error *err) {
  const fz_rkind *k = fz_reg_kind_get(kind);
  fz_rec_row *row = malloc(sizeof *row);
  if (!row) return fz_error_set(err, FZ_NOMEM, "", NULL);
  int inserted = 0;
  fz_err rc = need(by, k->write_perm, err);
  if (!rc) rc = fz_rec_normalise(k, rec, 1, row, err);
  if (!rc) rc = fz_rec_next_id(db, k, id, err);
  if (!rc) rc = fz_rec_check_all(db, by, k, *id, row->v, err);
  if (!rc) rc = fz_rec_insert(db, k, *id, row->v, now, &inserted, err);
  if (!rc && !inserted) rc = fz_rec_exists_error(k, row->v, err);
  if (!rc)
    rc = fz_rec_event(db, by, k, "create", *id, ledger_values(k, row->v), now,
                      err);
  free(row);
  return rc;
}

/* ---- Reading one record ----------------------------------------------------- */

fz_err fz_rec_load(fz_db *db, const fz_principal *by, const fz_rkind *k,
                   int64_t id, fz_rec_row *row, fz_error *err) {
  int found = 0;
  fz_err rc = find_by_id(db, by, k, id, row, &found, err);
  if (!rc && !found)
    rc = fz_error_set(err, FZ_NOTFOUND, "id", "%s %lld 不存在 / no %s %lld",
                      k->label, (long long)id, k->object, (long long)id);
  return rc;
}

json_t *fz_rec_json(fz_db *db, const fz_rkind *k, const fz_rec_row *row,
                    fz_reg_view view) {
  json_t *o = json_object();
  if (!o) return NULL;
  json_object_set_new(o, "id", json_integer(row->id));
  for (size_t i = 0; i < k->nfields; i++) {
    const fz_rfield *f = &k->fields[i];
    if (view == FZ_VIEW_PUBLIC && !(f->flags & FZ_FF_PUBLIC)) continue;
    json_object_set_new(o, member(f),
                        shown(f, row->v[i], view == FZ_VIEW_PUBLIC));
  }
  json_object_set_new(o, "active", json_boolean(row->active));
  if (view == FZ_VIEW_FULL) {
    json_object_set_new(o, "created_at", json_integer(row->created_at));
    json_object_set_new(o, "updated_at", json_integer(row->updated_at));
  }
  if (k->decorate) {
    fz_rview rv = {row->id, (const char *const *)row->v};
    fz_error ignored;
    k->decorate(db, &rv, view, o, &ignored);
  }
  return o;
}

/* ---- A record as JSON text ------------------------------------------------ */

/* Appends ,"name": and the value of field f as shown() makes it, or nothing
 * where shown() makes a value jansson refuses (text that is not UTF-8), as
 * fz_rec_json then leaves the member out. */
static void text_member(fz_buf *b, const fz_rfield *f, const char *v,
                        int mask) {
  const char *name = member(f);
  if (f->type == FZ_F_IDS) {
    /* As shown() makes it: an array of the ids, empty when none. */
    fz_buf_append(b, ",\"", 2);
    fz_buf_puts(b, name);
    fz_buf_append(b, "\":[", 3);
    const char *p = v ? v : "";
    long long id;
    for (int i = 0; fz_reg_ids_next(&p, &id); i++) {
      if (i) fz_buf_append(b, ",", 1);
      fz_jt_decimal(b, id);
    }
    fz_buf_append(b, "]", 1);
    return;
  }
  char m[256];
  const char *str = v;
  if (v && *v && f->type == FZ_F_RESIDENT && !strchr(v, '*'))
    str = fz_mask_resident(v, m, sizeof m) == FZ_OK ? m : "*";
  else if (v && *v && mask && (f->flags & FZ_FF_PERSONAL) &&
           f->type != FZ_F_INT && f->type != FZ_F_BOOL &&
           f->type != FZ_F_TAGS)
    str = fz_mask_name(v, m, sizeof m) == FZ_OK ? m : "*";
  int is_text = v && *v && f->type != FZ_F_INT && f->type != FZ_F_BOOL &&
                f->type != FZ_F_TAGS;
  if (is_text && !fz_jt_utf8_ok(str, strlen(str))) return;
  fz_buf_append(b, ",\"", 2);
  fz_buf_puts(b, name);
  fz_buf_append(b, "\":", 2);
  if (!v || !*v) {
    fz_buf_append(b, "null", 4);
  } else if (f->type == FZ_F_INT) {
    fz_jt_decimal(b, strtoll(v, NULL, 10));
  } else if (f->type == FZ_F_BOOL) {
    fz_buf_puts(b, strcmp(v, "1") == 0 ? "true" : "false");
  } else if (f->type == FZ_F_TAGS) {
    fz_buf_append(b, "[", 1);
    int first = 1;
    for (const char *p = v; *p;) {
      size_t n = strcspn(p, ";");
      if (fz_jt_utf8_ok(p, n)) {
        if (!first) fz_buf_append(b, ",", 1);
        fz_jt_string(b, p, n);
        first = 0;
      }
      p += n + (p[n] == ';');
    }
    fz_buf_append(b, "]", 1);
  } else {
    fz_jt_string(b, str, strlen(str));
  }
}

fz_err fz_rec_json_text(fz_db *db, const fz_rkind *k, const fz_rec_row *row,
                        fz_reg_view view, fz_buf *out) {
  fz_buf_puts(out, "{\"id\":");
  fz_jt_decimal(out, (long long)row->id);
  for (size_t i = 0; i < k->nfields; i++) {
    const fz_rfield *f = &k->fields[i];
    if (view == FZ_VIEW_PUBLIC && !(f->flags & FZ_FF_PUBLIC)) continue;
    text_member(out, f, row->v[i], view == FZ_VIEW_PUBLIC);
  }
  fz_buf_puts(out, row->active ? ",\"active\":true" : ",\"active\":false");
  if (view == FZ_VIEW_FULL) {
    fz_buf_puts(out, ",\"created_at\":");
    fz_jt_decimal(out, (long long)row->created_at);
    fz_buf_puts(out, ",\"updated_at\":");
    fz_jt_decimal(out, (long long)row->updated_at);
  }
  if (k->decorate_text) {
    fz_rview rv = {row->id, (const char *const *)row->v};
    k->decorate_text(&rv, view, out);
  } else if (k->decorate) {
    /* What a kind adds is made as JSON by its hook and written member by
     * member, after the fields as in fz_rec_json.  A hook may read what the
     * object holds already: an officer's certificate state reads "active",
     * which is given to it (and not written twice). */
    json_t *o = json_object();
    if (o) json_object_set_new(o, "active", json_boolean(row->active));
    if (!o) {
      if (!out->err) out->err = FZ_NOMEM;
      return out->err;
    }
    fz_rview rv = {row->id, (const char *const *)row->v};
    fz_error ignored;
    k->decorate(db, &rv, view, o, &ignored);
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
      if (strcmp(key, "active") == 0) continue;
      char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
      if (!t) continue;
      fz_buf_append(out, ",", 1);
      fz_jt_string(out, key, strlen(key));
      fz_buf_append(out, ":", 1);
      fz_buf_puts(out, t);
      free(t);
    }
    json_decref(o);
  }
  fz_buf_append(out, "}", 1);
  return out->err;
}

fz_err fz_reg_get(fz_db *db, const fz_principal *by, fz_reg_kind kind,
                  int64_t id, fz_reg_view view, json_t **out, fz_error *err) {
  const fz_rkind *k = fz_reg_kind_get(kind);
  fz_rec_row *row = malloc(sizeof *row);
  if (!row) return fz_error_set(err, FZ_NOMEM, "", NULL);
  fz_err rc = view == FZ_VIEW_PUBLIC ? FZ_OK
                                     : need(by, FZ_PERM_READ_BUSINESS, err);
  if (!rc) rc = fz_rec_load(db, by, k, id, row, err);
  if (!rc && !(*out = fz_rec_json(db, k, row, view)))
    rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  free(row);
  return rc;
}

/* The key of kind k normalised into norm (*v points at it): FZ_UNSUPPORTED
 * for a kind without one, FZ_MISSING for an empty key. */
static fz_err key_check(const fz_rkind *k, const char *key, char *norm,
                        size_t size, const char **v, fz_error *err) {
  if (k->key < 0)
    return fz_error_set(err, FZ_UNSUPPORTED, "kind", "%s have no code",
                        k->name);
  fz_err rc = fz_reg_value_check(k->kind, (size_t)k->key, key, norm, size, v,
                                 err);
  if (!rc && !**v)
    rc = fz_error_set(err, FZ_MISSING, k->fields[k->key].name, "empty code");
  return rc;
}

/* FZ_NOTFOUND for key v of kind k. */
static fz_err key_not_found(const fz_rkind *k, const char *v, fz_error *err) {
  return fz_error_set(err, FZ_NOTFOUND, k->fields[k->key].name,
                      "%s %s 不存在 / no %s with this code",
                      k->fields[k->key].label, v, k->object);
}

fz_err fz_reg_find(fz_db *db, const fz_principal *by, fz_reg_kind kind,
                   const char *key, int64_t *id, fz_error *err) {
  const fz_rkind *k = fz_reg_kind_get(kind);
  char norm[FZ_REC_VALUE_MAX];
  const char *v;
  fz_err rc = key_check(k, key, norm, sizeof norm, &v, err);
  if (rc) return rc;
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE %s = ?", k->table,
           k->fields[k->key].name);
  fz_stmt *st;
  if ((rc = fz_db_prepare(db, sql, &st, err))) return rc;
  fz_stmt_bind_text(st, 1, v, -1);
  int r = fz_stmt_step(st, err);
  *id = r == FZ_STEP_ROW ? fz_stmt_column_int64(st, 0) : 0;
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW && r != FZ_STEP_DONE) return (fz_err)r;
  int yes = 0;
  if (*id) rc = visible(db, by, k, *id, &yes, err);
  if (rc) return rc;
  if (!yes) return key_not_found(k, v, err);
  return FZ_OK;
}

fz_err fz_reg_get_by_code(fz_db *db, const fz_principal *by, fz_reg_kind kind,
                          const char *key, fz_reg_view view, fz_buf *out,
                          fz_error *err) {
  const fz_rkind *k = fz_reg_kind_get(kind);
  char norm[FZ_REC_VALUE_MAX];
  const char *v;
  fz_err rc = key_check(k, key, norm, sizeof norm, &v, err);
  if (rc) return rc;
  fz_rec_row *row = malloc(sizeof *row);
  if (!row) return fz_error_set(err, FZ_NOMEM, "", NULL);
  /* One statement finds the key within the scope and reads the row, where
   * fz_reg_find and fz_reg_get would take three. */
  int found = 0;
  rc = find_one(db, by, k, k->fields[k->key].name, 0, v, row, &found, err);
  if (!rc && !found) rc = key_not_found(k, v, err);
  /* The same order of answers as finding the id, then reading it: a code
   * unknown in the scope is 404 before a missing permission is 403. */
  if (!rc && view != FZ_VIEW_PUBLIC) rc = need(by, FZ_PERM_READ_BUSINESS, err);
  if (!rc && fz_rec_json_text(db, k, row, view, out))
    rc = fz_error_set(err, out->err, "", NULL);
  free(row);
  return rc;
}

/* ---- Changing a record ------------------------------------------------------ */

/* A reader may see a record through an id it lists (an officer through one
 * of his other departments); changing it is for whoever may keep it where
 * it hangs now (the officer's primary department). */
static fz_err may_change(fz_db *db, const fz_principal *by, const fz_rkind *k,
                         const fz_rec_row *row, fz_error *err) {
  if (!k->link_table) return FZ_OK;
  return parent_allows(db, by, k, (const char *const *)row->v, err);
}

fz_err fz_reg_update(fz_db *db, const fz_principal *by, fz_reg_kind kind,
                     int64_t id, const fz_rec *rec, int64_t now,
                     fz_error *err) {
  const fz_rkind *k = fz_reg_kind_get(kind);
  fz_rec_row *old = malloc(sizeof *old), *neu = malloc(sizeof *neu);
  const char *merged[FZ_REC_MAX_FIELDS];
  json_t *changes = json_object();
  fz_buf sql;
  fz_buf_init(&sql, 8192);
  fz_err rc = old && neu && changes ? FZ_OK
                                    : fz_error_set(err, FZ_NOMEM, "", NULL);
  if (!rc) rc = need(by, k->write_perm, err);
  if (!rc) rc = fz_rec_load(db, by, k, id, old, err);
  if (!rc) rc = may_change(db, by, k, old, err);
  if (!rc) rc = fz_rec_normalise(k, rec, 0, neu, err);
  size_t changed = 0;
  for (size_t i = 0; !rc && i < k->nfields; i++) {
    const fz_rfield *f = &k->fields[i];
    const char *nv = neu->v[i];
    merged[i] = old->v[i];
    /* An ID number is stored sealed: any value given replaces it. */
    int differs = nv && (f->type == FZ_F_RESIDENT ? *nv != '\0'
                                                  : strcmp(nv, old->v[i]) != 0);
    if (!differs) continue;
    if ((f->flags & FZ_FF_KEY) && *old->v[i])
      rc = fz_error_set(err, FZ_CONFLICT, f->name,
                        "%s 不能修改 / a record's %s never changes", f->label,
                        f->name);
    if ((f->flags & FZ_FF_REQUIRED) && !*nv)
      rc = fz_error_set(err, FZ_MISSING, f->name, "%s 不能为空 / required",
                        f->label);
    merged[i] = nv;
    changed++;
    char masked[32] = "";
    if (f->type == FZ_F_RESIDENT) fz_mask_resident(nv, masked, sizeof masked);
    json_object_set_new(
        changes, member(f),
        json_pack("{s:o, s:o}", "from", shown(f, old->v[i], 1), "to",
                  f->type == FZ_F_RESIDENT ? json_string(masked)
                                           : shown(f, nv, 1)));
  }
  if (!rc && !changed)
    rc = fz_error_set(err, FZ_CONFLICT, "", "没有要修改的内容 / nothing would "
                                            "change");
  if (!rc) rc = fz_rec_check_all(db, by, k, id, merged, err);
  fz_stmt *st = NULL;
  if (!rc) {
    fz_buf_printf(&sql, "UPDATE %s SET updated_at = ?", k->table);
    for (size_t i = 0; i < k->nfields; i++) {
      if (merged[i] == old->v[i] || k->fields[i].type == FZ_F_IDS) continue;
      if (k->fields[i].type == FZ_F_RESIDENT)
        fz_buf_puts(&sql, ", id_sealed = ?, id_index = ?, id_masked = ?");
      else
        fz_buf_printf(&sql, ", %s = ?", k->fields[i].name);
    }
    fz_buf_puts(&sql, " WHERE id = ?");
    rc = sql.err ? fz_error_set(err, sql.err, "", NULL)
                 : fz_db_prepare(db, sql.data, &st, err);
  }
  if (!rc) {
    int idx = 1;
    fz_stmt_bind_int64(st, idx++, now);
    for (size_t i = 0; i < k->nfields && !rc; i++)
      if (merged[i] != old->v[i])
        rc = bind_value(st, k, i, merged[i], &idx, err);
    fz_stmt_bind_int64(st, idx, id);
    int r = rc ? FZ_STEP_DONE : fz_stmt_step(st, err);
    if (!rc && r != FZ_STEP_DONE) rc = (fz_err)r;
  }
  fz_stmt_finalize(st);
  int link = fz_reg_link_idx(k);
  if (!rc && link >= 0 && merged[link] != old->v[link])
    rc = link_write(db, k, id, merged[link], 0, err);
  if (!rc && k->placed && k->parent_field &&
      merged[fz_reg_idx(k, k->parent_field)] !=
          old->v[fz_reg_idx(k, k->parent_field)])
    rc = k->placed(db, id, err);
  if (!rc) {
    rc = fz_rec_event(db, by, k, "update", id,
                      json_pack("{s:O}", "changes", changes), now, err);
  }
  json_decref(changes);
  fz_buf_free(&sql);
  free(old);
  free(neu);
  return rc;
}

fz_err fz_reg_set_active(fz_db *db, const fz_principal *by, fz_reg_kind kind,
                         int64_t id, int active, const char *reason,
                         int64_t now, fz_error *err) {
  const fz_rkind *k = fz_reg_kind_get(kind);
  fz_rec_row *row = malloc(sizeof *row);
  if (!row) return fz_error_set(err, FZ_NOMEM, "", NULL);
  fz_err rc = need(by, k->write_perm, err);
  if (!rc && (!reason || !*reason || strlen(reason) > 512))
    rc = fz_error_set(err, FZ_MISSING, "reason",
                      "请说明理由（1–512 字节） / give a reason (1 to 512 "
                      "bytes)");
  if (!rc) rc = fz_rec_load(db, by, k, id, row, err);
  if (!rc) rc = may_change(db, by, k, row, err);
  if (!rc && row->active == active)
    rc = fz_error_set(err, FZ_CONFLICT, "active",
                      active ? "%s %lld 已是启用状态 / already active"
                             : "%s %lld 已停用 / already inactive",
                      k->label, (long long)id);
  if (!rc && !active && k->may_deactivate) rc = k->may_deactivate(db, id, err);
  if (!rc) {
    char sql[96];
    snprintf(sql, sizeof sql,
             "UPDATE %s SET active = ?, updated_at = ? WHERE id = ?",
             k->table);
    fz_stmt *st;
    rc = fz_db_prepare(db, sql, &st, err);
    if (!rc) {
      fz_stmt_bind_int64(st, 1, active);
      fz_stmt_bind_int64(st, 2, now);
      fz_stmt_bind_int64(st, 3, id);
      int r = fz_stmt_step(st, err);
      fz_stmt_finalize(st);
      if (r != FZ_STEP_DONE) rc = (fz_err)r;
    }
  }
  if (!rc)
    rc = fz_rec_event(db, by, k, active ? "reactivate" : "deactivate", id,
                      json_pack("{s:s}", "reason", reason), now, err);
  free(row);
  return rc;
}

/* ---- Departments' places in the tree ---------------------------------------- */

/* Sets the path of department id from its parent's and re-paths the
 * departments below it. */
fz_err fz_rec_department_place(fz_db *db, int64_t id, fz_error *err) {
  char old[256] = "", path[256] = "/";
  int64_t parent = 0;
  fz_stmt *st;
  fz_err rc = fz_db_prepare(
      db,
      "SELECT t.path, t.parent_id, p.path FROM departments t LEFT JOIN "
      "departments p ON p.id = t.parent_id WHERE t.id = ?",
      &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, id);
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) {
    snprintf(old, sizeof old, "%s", fz_stmt_column_text(st, 0)
                                        ? fz_stmt_column_text(st, 0)
                                        : "");
    parent = fz_stmt_column_int64(st, 1);
    if (parent) snprintf(path, sizeof path, "%s", fz_stmt_column_text(st, 2));
  }
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW) return r == FZ_STEP_DONE ? FZ_NOTFOUND : (fz_err)r;
  size_t len = strlen(path);
  if (snprintf(path + len, sizeof path - len, "%lld/", (long long)id) >=
      (int)(sizeof path - len))
    return fz_error_set(err, FZ_TOOBIG, "parent_id",
                        "执法主体层级过深 / the department tree is too deep");
  /* The department and, when it moved, everything below it. */
  rc = fz_db_prepare(db,
                     "UPDATE departments SET path = CAST(? AS TEXT) || "
                     "substr(path, CAST(? AS INTEGER)) WHERE id = ? OR "
                     "(CAST(? AS TEXT) <> '' AND path LIKE CAST(? AS TEXT) || '%')",
                     &st, err);
  if (rc) return rc;
  fz_stmt_bind_text(st, 1, path, -1);
  fz_stmt_bind_int64(st, 2, (int64_t)strlen(old) + 1);
  fz_stmt_bind_int64(st, 3, id);
  fz_stmt_bind_text(st, 4, old, -1);
  fz_stmt_bind_text(st, 5, old, -1);
  r = fz_stmt_step(st, err);
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}
