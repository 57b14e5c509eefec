/* demo.c — the demonstration dataset of 辽宁省: departments, officers,
 * entities, catalogues, conflicts and accounts, all made from a seed (see
 * demo.h for what is made and how it commits).
 *
 * Codes.  Every 统一社会信用代码 is built as GB 32100-2015 lays it out:
 * 登记管理部门码 and 机构类别码 (positions 1–2: '1','1' 机关 for the
 * departments; '9','1' 企业, '9','2' 个体工商户, '9','3' 农民专业合作社,
 * '5','1' 社会团体, '5','2' 民办非企业单位, '5','3' 基金会, '1','2' 事业单位
 * for the entities), the 登记管理机关 region (positions 3–8: the
 * department's region, the entity's county), a 主体标识码 of nine
 * characters whose last is its GB 11714 check, and the GB 32100 check.
 * An entity's 主体标识码 comes from its running number alone (number × 4
 * plus a little noise, as eight digits or as "MA"/"MJ" and six characters
 * of the code's alphabet), so that codes never repeat and rise with the
 * number inside a county: inserting millions of them touches a few places
 * of the code index at a time instead of all of it.
 *
 * 执法证号 (officers' certificate numbers) follow a format of this
 * project's own, not a national one: the department's region code (6
 * digits), the department's serial number within that region (2 digits)
 * and the officer's serial number within the department (4 digits), e.g.
 * 210100010003.  身份证号 are GB 11643 numbers: a county of the
 * department's city, a birth date from 1965 to 1998, a sequence number and
 * the check character; date and sequence come from a permutation of the
 * officer's running number, so no two officers share one. */
#include "registry/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/account.h"
#include "auth/secret.h"
#include "cal/cal.h"
#include "core/clock.h"
#include "core/embed.h"
#include "id/id.h"
#include "ledger/ledger.h"
#include "registry/registry.h"
#include "store/query.h"
#include "registry/rec_int.h"

/* ---- Randomness ---------------------------------------------------------- */

/* SplitMix64 (Steele, Lea and Flood 2014): a fast, well-mixed sequence;
 * deterministic, which is what a demo needs, and nothing more. */
static uint64_t mix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

typedef struct rng {
  uint64_t s;
} rng;

static uint64_t next(rng *r) {
  r->s += 0x9e3779b97f4a7c15ULL;
  return mix64(r->s);
}

/* A number in [0, n). */
static unsigned pick(rng *r, unsigned n) { return (unsigned)(next(r) % n); }

#define PICK(r, list) ((list)[pick((r), sizeof(list) / sizeof((list)[0]))])

/* ---- A bounded string builder -------------------------------------------- */

/* Writes stop at end - 1; the text is always NUL-terminated. */
typedef struct sb {
  char *p, *end;
} sb;

static void put(sb *b, const char *s) {
  size_t n = strlen(s), room = (size_t)(b->end - b->p) - 1;
  if (n > room) n = room;
  memcpy(b->p, s, n);
  b->p += n;
  *b->p = '\0';
}

static void put_uint(sb *b, uint64_t v, int width) {
  char d[24];
  int n = 0;
  do d[n++] = (char)('0' + v % 10), v /= 10;
  while (v && n < 20);
  while (n < width && n < 20) d[n++] = '0';
  char s[24];
  for (int i = 0; i < n; i++) s[i] = d[n - 1 - i];
  s[n] = '\0';
  put(b, s);
}

static void put_date(sb *b, fz_date d) {
  put_uint(b, (uint64_t)d.y, 4);
  put(b, "-");
  put_uint(b, (uint64_t)d.m, 2);
  put(b, "-");
  put_uint(b, (uint64_t)d.d, 2);
}

/* Ends the current value (keeping its NUL) and starts the next one. */
static void next_value(sb *b) {
  if (b->p < b->end - 1) b->p++;
  *b->p = '\0';
}

/* ---- Words --------------------------------------------------------------- */

/* Common surnames (the first ones twice: they are the commonest). */
static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "王", "李",
    "张", "刘", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗",
    "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡",
    "贾", "丁", "魏", "薛", "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟",
    "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭", "廖", "邹", "熊",
    "金", "陆", "郝", "孔", "白", "崔", "康", "毛", "邱", "秦", "江", "史",
    "顾", "侯", "邵", "孟", "龙", "万", "段", "雷", "钱", "汤", "尹", "常",
    "武", "乔", "贺", "关", "佟", "付", "隋", "鲁", "欧阳", "司马", "上官"};

static const char *const given[] = {
    "伟", "芳", "娜", "秀", "英", "敏", "静", "丽", "强", "磊", "军", "洋",
    "勇", "艳", "杰", "娟", "涛", "明", "超", "兰", "霞", "平", "刚", "桂",
    "华", "建", "国", "文", "玉", "红", "志", "海", "春", "晓", "雪", "东",
    "波", "辉", "鹏", "宇", "博", "欣", "婷", "浩", "然", "雨", "萱", "梓",
    "涵", "子", "轩", "晨", "佳", "琪", "俊", "凯", "丹", "宁", "阳", "峰",
    "飞", "鑫", "慧", "颖", "琳", "岩", "松", "柏", "成", "德", "福", "庆"};

/* 字号: the distinctive words of business names. */
static const char *const zihao[] = {
    "鑫", "盛", "华", "恒", "泰", "兴", "隆", "昌", "达", "通", "宏", "远",
    "金", "源", "德", "瑞", "祥", "和", "众", "诚", "信", "利", "丰", "安",
    "博", "航", "辽", "沈", "海", "北", "东", "方", "天", "宇", "新", "正",
    "中", "汇", "久", "永", "富", "嘉", "弘", "鼎", "晟", "骏", "凯", "旭",
    "明", "辉", "佳", "美", "润", "晨", "星", "启", "峰", "林", "禾", "益"};

static const char *const roads[] = {
    "中山路", "人民路", "解放路", "建设大街", "胜利街", "友谊路", "长江街",
    "黄河大街", "青年大街", "北京街", "文化路", "和平大街", "新华路",
    "光明路", "兴隆街", "振兴路", "工业街", "滨河路", "站前路", "团结路",
    "学府路", "东风路", "向阳街", "幸福大街", "朝阳街", "繁荣路", "健康路",
    "民主路", "长白路", "沿海路", "迎宾路", "开发大道"};

/* A trade of a company: its word in the name, its GB/T 4754 division, and a
 * register tag it often carries (or NULL). */
typedef struct trade {
  const char *word, *industry, *tag;
} trade;

static const trade trades[] = {
    {"商贸", "F51", NULL},
    {"贸易", "F51", NULL},
    {"食品", "C14", "食品生产"},
    {"农副产品加工", "C13", "食品生产"},
    {"酒业", "C15", "食品生产"},
    {"服饰", "C18", NULL},
    {"家具", "C21", NULL},
    {"印刷", "C23", NULL},
    {"化工", "C26", "危险化学品"},
    {"药业", "C27", "药品生产"},
    {"塑料制品", "C29", NULL},
    {"建材", "C30", NULL},
    {"钢铁", "C31", "重点排污单位"},
    {"金属制品", "C33", NULL},
    {"机械制造", "C34", "特种设备使用单位"},
    {"重工", "C35", "特种设备使用单位"},
    {"汽车部件", "C36", NULL},
    {"船舶", "C37", NULL},
    {"电气", "C38", NULL},
    {"电子", "C39", NULL},
    {"热力", "D44", "特种设备使用单位"},
    {"燃气", "D45", "危险化学品"},
    {"建筑工程", "E47", NULL},
    {"路桥工程", "E48", NULL},
    {"装饰工程", "E50", NULL},
    {"物流", "G54", "道路运输经营"},
    {"运输", "G54", "道路运输经营"},
    {"仓储", "G59", NULL},
    {"酒店管理", "H61", NULL},
    {"餐饮管理", "H62", "餐饮服务"},
    {"网络科技", "I64", "网络交易经营者"},
    {"软件", "I65", NULL},
    {"信息技术", "I65", NULL},
    {"房地产开发", "K70", NULL},
    {"物业管理", "K70", NULL},
    {"设备租赁", "L71", NULL},
    {"广告", "L72", "广告经营"},
    {"企业管理咨询", "L72", NULL},
    {"检测技术", "M74", NULL},
    {"环保科技", "N77", NULL},
    {"家政服务", "O80", NULL},
    {"汽车维修", "O81", NULL},
    {"教育科技", "P83", NULL},
    {"医药连锁", "F52", "药品零售"},
    {"超市", "F52", "食品经营"},
};

static const char *const forms[] = {"有限公司", "有限公司", "有限公司",
                                    "有限公司", "有限责任公司",
                                    "股份有限公司", "集团有限公司"};

/* Shops of 个体工商户. */
static const trade shops[] = {
    {"面馆", "H62", "餐饮服务"},      {"饭店", "H62", "餐饮服务"},
    {"烧烤店", "H62", "餐饮服务"},    {"小吃部", "H62", "餐饮服务"},
    {"饺子馆", "H62", "餐饮服务"},    {"便利店", "F52", "食品经营"},
    {"超市", "F52", "食品经营"},      {"水果店", "F52", "食品经营"},
    {"烟酒商行", "F52", "食品经营"},  {"粮油店", "F52", "食品经营"},
    {"熟食店", "F52", "食品经营"},    {"服装店", "F52", NULL},
    {"五金商店", "F52", NULL},        {"药店", "F52", "药品零售"},
    {"理发店", "O80", NULL},          {"美容美发店", "O80", NULL},
    {"洗衣店", "O80", NULL},          {"汽车修理部", "O81", NULL},
    {"手机维修部", "O81", NULL},      {"建材商店", "F52", NULL},
};

/* 农民专业合作社: a product and how it is raised. */
static const trade crops[] = {
    {"水稻种植", "A01", NULL}, {"玉米种植", "A01", NULL},
    {"蔬菜种植", "A01", NULL}, {"草莓种植", "A01", NULL},
    {"苹果种植", "A01", NULL}, {"蓝莓种植", "A01", NULL},
    {"食用菌种植", "A01", NULL}, {"花生种植", "A01", NULL},
    {"肉牛养殖", "A03", NULL}, {"生猪养殖", "A03", "重点排污单位"},
    {"蛋鸡养殖", "A03", NULL}, {"绒山羊养殖", "A03", NULL},
    {"梅花鹿养殖", "A03", NULL}, {"水产养殖", "A04", NULL},
    {"海参养殖", "A04", NULL},  {"林下经济", "A02", NULL},
};

/* 社会组织 and 事业单位: the end of the name and the division. */
static const trade associations[] = {
    {"餐饮行业协会", "S95", NULL}, {"个体劳动者协会", "S95", NULL},
    {"物流商会", "S95", NULL},     {"食品行业协会", "S95", NULL},
    {"老年人体育协会", "S95", NULL}, {"书法家协会", "S95", NULL},
    {"青年企业家商会", "S95", NULL}, {"汽车维修行业协会", "S95", NULL},
};

static const trade private_nonprofits[] = {
    {"职业培训学校", "P83", NULL}, {"养老院", "Q85", "养老服务"},
    {"社会工作服务中心", "Q85", NULL}, {"幼儿园", "P83", NULL},
    {"康复中心", "Q84", NULL},
};

static const trade foundation = {"慈善基金会", "S95", NULL};

/* The first two are numbered: 第三人民医院, 第一中学. */
static const trade institutions[] = {
    {"人民医院", "Q84", "医疗机构"}, {"中学", "P83", NULL},
    {"图书馆", "R88", NULL},         {"文化馆", "R88", NULL},
    {"疾病预防控制中心", "Q84", NULL},
};

static const char *const numerals[] = {"第一", "第二", "第三", "第四",
                                       "第五", "第六", "第七", "第八"};

/* The alphabet of GB 32100, in ASCII order. */
static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* ---- Regions ------------------------------------------------------------- */

#define MAX_CITIES 32
#define MAX_COUNTIES 160
#define PROVINCE "210000"

/* The population of each city (第七次全国人口普查, 2020, in 10,000s): the
 * weight of its share of the entities.  A city missing here (the region
 * table changed) weighs 200. */
static const struct {
  const char *code;
  int pop;
} populations[] = {
    {"210100", 907}, {"210200", 745}, {"210300", 333}, {"210400", 185},
    {"210500", 133}, {"210600", 219}, {"210700", 270}, {"210800", 233},
    {"210900", 165}, {"211000", 160}, {"211100", 139}, {"211200", 239},
    {"211300", 287}, {"211400", 243},
};

typedef struct city {
  char code[7];
  char name[64];  /* "沈阳市" */
  int first, n;   /* its counties */
  double weight;
} city;

typedef struct county {
  char code[7];
  char name[64];   /* "和平区" */
  char place[128]; /* "沈阳市和平区" or "新民市": what business names start with */
  char full[FZ_REGION_NAME_MAX]; /* "辽宁省沈阳市和平区" */
  int city;
  double weight;
} county;

typedef struct regions {
  city cities[MAX_CITIES];
  int ncities;
  county counties[MAX_COUNTIES];
  int ncounties;
  int walking; /* the city whose counties are being read */
  fz_err status;
} regions;

static int ends_with(const char *s, const char *tail) {
  size_t n = strlen(s), t = strlen(tail);
  return n >= t && memcmp(s + n - t, tail, t) == 0;
}

static int visit_city(const char *code, const char *name, void *ctx) {
  regions *r = ctx;
  if (r->ncities == MAX_CITIES) return r->status = FZ_TOOBIG, 1;
  city *c = &r->cities[r->ncities++];
  memset(c, 0, sizeof *c);
  snprintf(c->code, sizeof c->code, "%s", code);
  snprintf(c->name, sizeof c->name, "%s", name);
  c->weight = 200;
  for (size_t i = 0; i < sizeof populations / sizeof populations[0]; i++)
    if (strcmp(populations[i].code, code) == 0) c->weight = populations[i].pop;
  return 0;
}

static int visit_county(const char *code, const char *name, void *ctx) {
  regions *r = ctx;
  if (r->ncounties == MAX_COUNTIES) return r->status = FZ_TOOBIG, 1;
  int ci = r->walking;
  county *c = &r->counties[r->ncounties++];
  memset(c, 0, sizeof *c);
  snprintf(c->code, sizeof c->code, "%s", code);
  snprintf(c->name, sizeof c->name, "%s", name);
  /* A district (区) goes by its city's name; a county or county-level city
   * by its own: 沈阳市和平区…, 新民市…, 康平县…. */
  sb place = {c->place, c->place + sizeof c->place};
  if (ends_with(name, "区")) put(&place, r->cities[ci].name);
  put(&place, name);
  if (fz_region_full_name(code, c->full, sizeof c->full) != FZ_OK) {
    sb full = {c->full, c->full + sizeof c->full};
    put(&full, "辽宁省");
    put(&full, c->place);
  }
  c->city = ci;
  /* Urban districts hold more businesses than rural counties. */
  c->weight = ends_with(name, "区") ? 3 : 2;
  return 0;
}

/* Walks the built-in GB/T 2260 table for the cities and counties of 辽宁. */
static fz_err regions_load(regions *r, fz_error *err) {
  memset(r, 0, sizeof *r);
  fz_err rc = fz_region_children("21", visit_city, r);
  for (int i = 0; !rc && !r->status && i < r->ncities; i++) {
    char prefix[5];
    memcpy(prefix, r->cities[i].code, 4);
    prefix[4] = '\0';
    r->cities[i].first = r->ncounties;
    r->walking = i;
    rc = fz_region_children(prefix, visit_county, r);
    r->cities[i].n = r->ncounties - r->cities[i].first;
  }
  if (!rc) rc = r->status;
  if (!rc && (r->ncities == 0 || r->ncounties == 0)) rc = FZ_NODATA;
  if (rc)
    return fz_error_set(err, rc == FZ_TOOBIG ? FZ_TOOBIG : FZ_NODATA,
                        "regions",
                        "cannot list the cities and counties of 辽宁省 (210000) "
                        "from the GB/T 2260 table");
  return FZ_OK;
}

/* ---- The entity generator ------------------------------------------------ */

struct fz_demo_gen {
  uint64_t seed;
  int64_t count;
  long today; /* days since 1970-01-01 */
  regions reg;
  int64_t start[MAX_COUNTIES + 1]; /* county c holds [start[c], start[c+1]) */
};

static fz_err parse_today(const char *today, long *days, fz_error *err) {
  fz_date d;
  if (!today) {
    fz_id_date t = fz_id_today();
    d.y = t.year, d.m = t.month, d.d = t.day;
  } else if (fz_date_parse(today, &d, NULL) != FZ_OK) {
    return fz_error_set(err, FZ_INVALID, "today",
                        "\"%s\" is not a date YYYY-MM-DD", today);
  }
  *days = fz_date_to_days(d);
  return FZ_OK;
}

/* Splits count over the counties by weight (largest remainders), at least
 * one each when there are enough. */
static void allocate(fz_demo_gen *g) {
  regions *r = &g->reg;
  double share[MAX_COUNTIES], total = 0;
  int64_t n[MAX_COUNTIES], sum = 0;
  for (int c = 0; c < r->ncounties; c++) {
    const city *ci = &r->cities[r->counties[c].city];
    double w = 0;
    for (int j = 0; j < ci->n; j++) w += r->counties[ci->first + j].weight;
    share[c] = ci->weight * r->counties[c].weight / w;
    total += share[c];
  }
  for (int c = 0; c < r->ncounties; c++) {
    share[c] = (double)g->count * share[c] / total;
    n[c] = (int64_t)share[c];
    if (n[c] < 1 && g->count >= r->ncounties) n[c] = 1;
    sum += n[c];
  }
  while (sum < g->count) {
    int best = 0;
    for (int c = 1; c < r->ncounties; c++)
      if (share[c] - (double)n[c] > share[best] - (double)n[best]) best = c;
    n[best]++, sum++;
  }
  while (sum > g->count) {
    int best = 0;
    for (int c = 1; c < r->ncounties; c++)
      if (n[c] > n[best]) best = c;
    n[best]--, sum--;
  }
  g->start[0] = 0;
  for (int c = 0; c < r->ncounties; c++) g->start[c + 1] = g->start[c] + n[c];
}

fz_err fz_demo_gen_new(uint64_t seed, int64_t count, const char *today,
                       fz_demo_gen **out, fz_error *err) {
  *out = NULL;
  if (count < 0 || count > FZ_DEMO_ENTITIES_MAX)
    return fz_error_set(err, FZ_RANGE, "entities",
                        "the number of entities must lie between 0 and %lld",
                        (long long)FZ_DEMO_ENTITIES_MAX);
  fz_err rc = fz_reg_data_load(err);
  if (rc) return rc;
  /* Every division the word lists name must be a known GB/T 4754 one. */
  const trade *lists[] = {trades, shops, crops, associations,
                          private_nonprofits, institutions};
  const size_t sizes[] = {sizeof trades / sizeof *trades,
                          sizeof shops / sizeof *shops,
                          sizeof crops / sizeof *crops,
                          sizeof associations / sizeof *associations,
                          sizeof private_nonprofits /
                              sizeof *private_nonprofits,
                          sizeof institutions / sizeof *institutions};
  for (size_t l = 0; l < sizeof sizes / sizeof *sizes; l++)
    for (size_t i = 0; i < sizes[l]; i++)
      if (!fz_reg_industry_known(lists[l][i].industry))
        return fz_error_set(err, FZ_NODATA, "industry",
                            "the demo names GB/T 4754 division %s, which the "
                            "industry table does not hold",
                            lists[l][i].industry);
  fz_demo_gen *g = calloc(1, sizeof *g);
  if (!g) return fz_error_set(err, FZ_NOMEM, "", NULL);
  g->seed = seed;
  g->count = count;
  rc = parse_today(today, &g->today, err);
  if (!rc) rc = regions_load(&g->reg, err);
  if (rc) {
    free(g);
    return rc;
  }
  allocate(g);
  *out = g;
  return FZ_OK;
}

void fz_demo_gen_free(fz_demo_gen *g) { free(g); }

static int county_of(const fz_demo_gen *g, int64_t i) {
  int lo = 0, hi = g->reg.ncounties - 1;
  while (lo < hi) {
    int mid = (lo + hi + 1) / 2;
    if (g->start[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

static void put_person(sb *b, rng *r) {
  put(b, PICK(r, surnames));
  put(b, PICK(r, given));
  if (pick(r, 10) < 7) put(b, PICK(r, given));
}

/* A 统一社会信用代码: two category characters, the region, a 主体标识码
 * from v (a letter prefix and six characters, or eight digits) and both
 * check characters. */
static void put_uscc(sb *b, const char *category, const char *region,
                     const char *letters, uint64_t v) {
  char code[19];
  memcpy(code, category, 2);
  memcpy(code + 2, region, 6);
  /* Offsets keep the codes from starting with a run of zeros: MA0…, and
   * eight digits from 10000000. */
  if (letters) {
    v += 3000000;
    memcpy(code + 8, letters, 2);
    for (int i = 7; i >= 2; i--) code[8 + i] = uscc_alphabet[v % 31], v /= 31;
  } else {
    v += 10000000;
    for (int i = 7; i >= 0; i--) code[8 + i] = (char)('0' + v % 10), v /= 10;
  }
  code[16] = '\0';
  code[16] = fz_orgcode_check_char(code + 8);
  code[17] = '\0';
  code[17] = fz_uscc_check_char(code);
  code[18] = '\0';
  put(b, code);
}

void fz_demo_entity_make(const fz_demo_gen *g, int64_t base, int64_t i,
                         fz_demo_entity *e) {
  uint64_t n = (uint64_t)(base + i);
  rng r = {mix64(g->seed ^ mix64(n * 0x2545f4914f6cdd1dULL))};
  const county *c = &g->reg.counties[county_of(g, i)];
  sb b = {e->buf, e->buf + sizeof e->buf};
  char *start[FZ_DEMO_ENTITY_FIELDS];

  /* The kind of entity, and what it does. */
  unsigned roll = pick(&r, 100);
  const char *kind, *category, *letters = NULL;
  const trade *t;
  if (roll < 57) {
    kind = "企业", category = "91", t = &PICK(&r, trades);
    if (pick(&r, 10) < 8) letters = "MA";
  } else if (roll < 93) {
    kind = "个体工商户", category = "92", t = &PICK(&r, shops);
    if (pick(&r, 10) < 8) letters = "MA";
  } else if (roll < 97) {
    kind = "农民专业合作社", category = "93", t = &PICK(&r, crops);
    letters = "MA";
  } else if (roll < 99) {
    kind = "社会组织";
    unsigned sub = pick(&r, 10);
    category = sub < 5 ? "51" : sub < 9 ? "52" : "53";
    t = sub < 5   ? &PICK(&r, associations)
        : sub < 9 ? &PICK(&r, private_nonprofits)
                  : &foundation;
    letters = "MJ";
  } else {
    kind = "事业单位", category = "12", t = &PICK(&r, institutions);
  }
  uint64_t v = n * 4 + pick(&r, 4);

  start[0] = b.p;
  put_uscc(&b, category, c->code, letters, v);
  next_value(&b);

  /* 沈阳市和平区鑫盛商贸有限公司, 和平区张记面馆, 新民市兴隆水稻种植专业
   * 合作社, 沈阳市和平区餐饮行业协会, 沈阳市和平区第三人民医院. */
  start[1] = b.p;
  if (strcmp(category, "92") == 0) {
    put(&b, c->name);
    unsigned style = pick(&r, 3);
    if (style == 0) put(&b, PICK(&r, surnames)), put(&b, "记");
    else if (style == 1) put(&b, "老"), put(&b, PICK(&r, surnames));
    else put(&b, PICK(&r, zihao)), put(&b, PICK(&r, zihao));
  } else {
    put(&b, c->place);
    if (t == &institutions[0] || t == &institutions[1]) {
      put(&b, PICK(&r, numerals));
    } else if (strcmp(category, "51") != 0 && strcmp(category, "12") != 0) {
      put(&b, PICK(&r, zihao));
      put(&b, PICK(&r, zihao));
    }
  }
  put(&b, t->word);
  if (strcmp(category, "91") == 0) put(&b, PICK(&r, forms));
  else if (strcmp(category, "93") == 0) put(&b, "专业合作社");
  next_value(&b);

  start[2] = b.p, put(&b, kind), next_value(&b);
  start[3] = b.p, put(&b, c->code), next_value(&b);

  start[4] = b.p;
  put(&b, c->full);
  put(&b, PICK(&r, roads));
  put_uint(&b, 1 + pick(&r, 399), 0);
  put(&b, "号");
  if (pick(&r, 3) == 0) { /* 1203室 */
    put_uint(&b, 1 + pick(&r, 30), 0);
    put_uint(&b, 1 + pick(&r, 12), 2);
    put(&b, "室");
  }
  next_value(&b);

  start[5] = b.p, put(&b, t->industry), next_value(&b);

  start[6] = b.p, put_person(&b, &r), next_value(&b);

  /* 信用等级 A 55%, B 30%, C 10%, D 5%, rated in the last three years by
   * the provincial 市场监管局; the risk follows the grade. */
  unsigned g100 = pick(&r, 100);
  const char *grade = g100 < 55 ? "A" : g100 < 85 ? "B" : g100 < 95 ? "C" : "D";
  start[7] = b.p, put(&b, grade), next_value(&b);
  start[8] = b.p;
  put_date(&b, fz_date_from_days(g->today - 1 - (long)pick(&r, 1095)));
  next_value(&b);
  start[9] = b.p, put(&b, "辽宁省市场监督管理局"), next_value(&b);
  static const char *const risk_by_grade[4][20] = {
      {"低", "低", "低", "低", "低", "低", "低", "低", "低", "低", "低", "低",
       "低", "低", "一般", "一般", "一般", "一般", "一般", "较高"},
      {"低", "低", "低", "低", "低", "低", "低", "低", "一般", "一般", "一般",
       "一般", "一般", "一般", "一般", "一般", "一般", "较高", "较高", "高"},
      {"一般", "一般", "一般", "一般", "一般", "一般", "一般", "一般", "较高",
       "较高", "较高", "较高", "较高", "较高", "较高", "较高", "较高", "高",
       "高", "高"},
      {"较高", "较高", "较高", "较高", "较高", "较高", "较高", "较高", "高",
       "高", "高", "高", "高", "高", "高", "高", "高", "高", "高", "高"}};
  start[10] = b.p;
  put(&b, risk_by_grade[grade[0] - 'A'][pick(&r, 20)]);
  next_value(&b);

  unsigned s100 = pick(&r, 100);
  start[11] = b.p;
  put(&b, s100 < 94 ? "存续" : s100 < 98 ? "注销" : "吊销");
  next_value(&b);

  start[12] = b.p;
  int tags = 0;
  if (t->tag && pick(&r, 10) < 6) put(&b, t->tag), tags++;
  if (category[0] == '9' && category[1] == '1' && pick(&r, 5) == 0)
    put(&b, tags++ ? ";小微企业" : "小微企业");
  if (grade[0] == 'D' && pick(&r, 3) == 0)
    put(&b, tags++ ? ";信用修复中" : "信用修复中");
  next_value(&b);

  for (int f = 0; f < FZ_DEMO_ENTITY_FIELDS; f++) e->v[f] = start[f];
}

/* ---- Accounts ------------------------------------------------------------ */

static const fz_demo_account accounts[] = {
    {"sy.officer", FZ_ROLE_OFFICER, "2101", "沈阳市市场监督管理局",
     "沈阳市市场监管执法人员（演示）"},
    {"sy.head", FZ_ROLE_DEPT_HEAD, "2101", "沈阳市市场监督管理局",
     "沈阳市市场监管局负责人（演示）"},
    {"sy.reviewer", FZ_ROLE_LEGAL_REVIEWER, "2101", "沈阳市市场监督管理局",
     "沈阳市市场监管局法制审核员（演示）"},
    {"dl.officer", FZ_ROLE_OFFICER, "2102", "大连市市场监督管理局",
     "大连市市场监管执法人员（演示）"},
    {"dl.head", FZ_ROLE_DEPT_HEAD, "2102", "大连市市场监督管理局",
     "大连市市场监管局负责人（演示）"},
    {"dl.reviewer", FZ_ROLE_LEGAL_REVIEWER, "2102", "大连市市场监督管理局",
     "大连市市场监管局法制审核员（演示）"},
    {"ln.supervisor", FZ_ROLE_SUPERVISOR, "21", NULL,
     "辽宁省行政执法监督员（演示）"},
    {"ln.social", FZ_ROLE_SOCIAL_SUPERVISOR, "21", NULL,
     "辽宁省社会监督员（演示）"},
};
#define NACCOUNTS (sizeof accounts / sizeof accounts[0])

const fz_demo_account *fz_demo_accounts(size_t *n) {
  *n = NACCOUNTS;
  return accounts;
}

/* ---- Departments and officers -------------------------------------------- */

typedef struct dept {
  int64_t id;
  char name[160];
  const char *kind;
  char region[7];
  int level;  /* 0 province, 1 city, 2 county */
  int city;   /* index, -1 for the province */
  int serial; /* within its region */
  int first_officer, nofficers;
} dept;

typedef struct officer {
  int64_t id;
  int dept;
  int auxiliary;
} officer;

/* What the small part of the load builds up. */
typedef struct world {
  fz_db *db;
  fz_principal cli;
  int64_t now;
  uint64_t seed;
  long today;
  rng r;
  regions reg;
  dept *depts;
  int ndepts, cap_depts;
  officer *officers;
  int nofficers, cap_officers;
  fz_demo_stats *st;
} world;

static const struct {
  const char *name, *kind;
} province_depts[] = {
    {"辽宁省司法厅", "justice"},
    {"辽宁省市场监督管理局", "market"},
    {"辽宁省生态环境厅", "ecology"},
    {"辽宁省交通运输厅", "transport"},
    {"辽宁省应急管理厅", "emergency"},
};

static const struct {
  const char *suffix, *kind;
} city_depts[] = {
    {"市场监督管理局", "market"},
    {"生态环境局", "ecology"},
    {"交通运输局", "transport"},
    {"应急管理局", "emergency"},
    {"城市管理综合行政执法局", "urban"},
    {"司法局", "justice"},
};

/* The enforcement areas of officers, by department kind. */
static const struct {
  const char *kind;
  const char *areas[6];
} kind_areas[] = {
    {"market", {"食品安全", "特种设备", "产品质量", "广告监管", "价格监督",
                "知识产权"}},
    {"ecology", {"大气污染防治", "水污染防治", "固体废物", "噪声污染防治",
                 "排污许可", "生态保护"}},
    {"transport", {"道路运输", "水路运输", "路政", "交通工程质量",
                   "出租汽车", "港口"}},
    {"emergency", {"安全生产", "危险化学品", "非煤矿山", "工贸行业",
                   "烟花爆竹", "应急预案"}},
    {"urban", {"市容环境", "市政设施", "园林绿化", "城市规划", "环境卫生",
               "户外广告"}},
    {"justice", {"行政执法监督", "行政复议", "行政执法协调", "合法性审查",
                 "行政应诉", "普法"}},
};

/* The array p of *cap items of size, with room for need of them: p
 * itself, or a larger one (p is then freed), or NULL when out of memory
 * (p is kept). */
static void *grow(void *p, int *cap, int need, size_t size) {
  if (need <= *cap) return p;
  int n = *cap ? *cap * 2 : 64;
  while (n < need) n *= 2;
  void *q = realloc(p, (size_t)n * size);
  if (q) *cap = n;
  return q;
}

/* A department's 统一社会信用代码: '1','1' (机关), its region, and a
 * 主体标识码 of seven digits from a permutation of k keyed by the seed
 * (after a leading 1, see put_uscc), so that the departments of one run
 * never share one. */
static void dept_uscc(const world *w, const char *region, int k, char *out,
                      size_t size) {
  uint64_t m = 10000000, a = mix64(w->seed) % m | 1, b = mix64(w->seed + 1) % m;
  if (a % 5 == 0) a += 2;
  uint64_t v = (a * (uint64_t)k + b) % m;
  char buf[24];
  sb s = {buf, buf + sizeof buf};
  put_uscc(&s, "11", region, NULL, v);
  snprintf(out, size, "%s", buf);
}

static fz_err add_dept(world *w, const char *name, const char *kind,
                       const char *region, int level, int city_idx,
                       int64_t parent, int serial, fz_error *err) {
  static const char *const levels[] = {"省", "市", "县"};
  dept *all = grow(w->depts, &w->cap_depts, w->ndepts + 1, sizeof *all);
  if (!all) return fz_error_set(err, FZ_NOMEM, "", NULL);
  w->depts = all;
  dept *d = &w->depts[w->ndepts];
  memset(d, 0, sizeof *d);
  snprintf(d->name, sizeof d->name, "%s", name);
  d->kind = kind;
  snprintf(d->region, sizeof d->region, "%s", region);
  d->level = level;
  d->city = city_idx;
  d->serial = serial;
  char uscc[24], pid[24] = "";
  dept_uscc(w, region, w->ndepts + 1, uscc, sizeof uscc);
  if (parent) snprintf(pid, sizeof pid, "%lld", (long long)parent);
  fz_rec rec = {{name, uscc, kind, region, levels[level], pid}};
  fz_err rc = fz_reg_create(w->db, &w->cli, FZ_REG_DEPARTMENT, &rec, w->now,
                            &d->id, err);
  if (rc) return rc;
  w->ndepts++;
  w->st->departments++;
  return FZ_OK;
}

/* The department of the province of this kind, or 0. */
static int64_t province_dept(const world *w, const char *kind) {
  for (int i = 0; i < w->ndepts; i++)
    if (w->depts[i].city < 0 && strcmp(w->depts[i].kind, kind) == 0)
      return w->depts[i].id;
  return 0;
}

static fz_err make_departments(world *w, fz_error *err) {
  fz_err rc = FZ_OK;
  int serial = 0;
  for (size_t i = 0; !rc && i < sizeof province_depts / sizeof *province_depts;
       i++)
    rc = add_dept(w, province_depts[i].name, province_depts[i].kind, PROVINCE,
                  0, -1, 0, ++serial, err);
  for (int c = 0; !rc && c < w->reg.ncities; c++) {
    const city *ci = &w->reg.cities[c];
    int64_t market = 0;
    serial = 0;
    for (size_t i = 0; !rc && i < sizeof city_depts / sizeof *city_depts; i++) {
      char name[160];
      snprintf(name, sizeof name, "%s%s", ci->name, city_depts[i].suffix);
      rc = add_dept(w, name, city_depts[i].kind, ci->code, 1, c,
                    province_dept(w, city_depts[i].kind), ++serial, err);
      if (!rc && strcmp(city_depts[i].kind, "market") == 0)
        market = w->depts[w->ndepts - 1].id;
    }
    for (int j = 0; !rc && j < ci->n; j++) {
      const county *co = &w->reg.counties[ci->first + j];
      char name[160];
      snprintf(name, sizeof name, "%s市场监督管理局", co->place);
      rc = add_dept(w, name, "market", co->code, 2, c, market, 1, err);
    }
  }
  return rc;
}

/* The days from 1965-01-01 to 1998-12-31: the birth dates of officers. */
#define BIRTH_FIRST_YEAR 1965
#define BIRTH_DAYS 12418L

/* A 身份证号 for officer number k, unique among them. */
static void resident_id(world *w, const char *region, int k, char out[19]) {
  uint64_t m = (uint64_t)BIRTH_DAYS * 1000, a = 7919;
  uint64_t v = (a * (uint64_t)k + mix64(w->seed + 2) % m) % m;
  fz_date first = {BIRTH_FIRST_YEAR, 1, 1};
  fz_date d = fz_date_from_days(fz_date_to_days(first) + (long)(v / 1000));
  sb s = {out, out + 19};
  put(&s, region);
  put_uint(&s, (uint64_t)d.y, 4);
  put_uint(&s, (uint64_t)d.m, 2);
  put_uint(&s, (uint64_t)d.d, 2);
  put_uint(&s, v % 1000, 3);
  char check = fz_resident_check_char(out);
  out[17] = check;
  out[18] = '\0';
}

/* YYYY-MM-DD of a day number. */
static void day_text(long days, char out[FZ_DATE_BUF]) {
  fz_date_format(fz_date_from_days(days), out);
}

/* The same day `years` later (28 February for a 29th that does not recur),
 * minus one day: the end of a certificate valid for that many years. */
static long years_later(long days, int years) {
  fz_date d = fz_date_from_days(days);
  d.y += years;
  if (d.d > fz_date_month_days(d.y, d.m)) d.d = fz_date_month_days(d.y, d.m);
  return fz_date_to_days(d) - 1;
}

typedef enum cert_kind { CERT_VALID, CERT_EXPIRED, CERT_REVOKED,
                         CERT_SUSPENDED, CERT_AUX } cert_kind;

/* The city's market department (its index), for d of a city; -1 if none. */
static int city_market_of(const world *w, const dept *d) {
  for (int i = 0; d->level == 1 && i < w->ndepts; i++)
    if (w->depts[i].level == 1 && w->depts[i].city == d->city &&
        strcmp(w->depts[i].kind, "market") == 0)
      return i;
  return -1;
}

/* Adds an officer of department di; also, when other >= 0, of department
 * other (an officer who serves a second body). */
static fz_err add_officer(world *w, int di, int serial, cert_kind ck,
                          int legal, int other, fz_error *err) {
  officer *all = grow(w->officers, &w->cap_officers, w->nofficers + 1,
                      sizeof *all);
  if (!all) return fz_error_set(err, FZ_NOMEM, "", NULL);
  w->officers = all;
  dept *d = &w->depts[di];
  char name[64], id[19], cert[32] = "", from[11] = "", to[11] = "";
  char areas[128], dept_id[24], others[24] = "";
  sb s = {name, name + sizeof name};
  put_person(&s, &w->r);
  /* Born in a county of the department's city (沈阳 for the province). */
  const city *ci = &w->reg.cities[d->city < 0 ? 0 : d->city];
  const county *born =
      &w->reg.counties[ci->first + (int)pick(&w->r, (unsigned)ci->n)];
  resident_id(w, born->code, w->nofficers + 1, id);
  if (ck != CERT_AUX) {
    snprintf(cert, sizeof cert, "%s%02d%04d", d->region, d->serial, serial);
    /* A valid certificate was issued three to six years ago for six years;
     * an expired one seven to ten years ago. */
    long year = 365;
    long issued = ck == CERT_EXPIRED
                      ? w->today - 7 * year - (long)pick(&w->r, 3 * 365)
                      : w->today - 3 * year - (long)pick(&w->r, 3 * 365);
    day_text(issued, from);
    day_text(years_later(issued, 6), to);
  }
  const char *const *pool = kind_areas[0].areas;
  for (size_t i = 0; i < sizeof kind_areas / sizeof *kind_areas; i++)
    if (strcmp(kind_areas[i].kind, d->kind) == 0) pool = kind_areas[i].areas;
  unsigned a1 = pick(&w->r, 6), a2 = (a1 + 1 + pick(&w->r, 5)) % 6;
  snprintf(areas, sizeof areas, "%s;%s", pool[a1], pool[a2]);
  snprintf(dept_id, sizeof dept_id, "%lld", (long long)d->id);
  if (other >= 0)
    snprintf(others, sizeof others, "%lld", (long long)w->depts[other].id);
  const char *status = ck == CERT_REVOKED     ? "revoked"
                       : ck == CERT_SUSPENDED ? "suspended"
                                              : "valid";
  fz_rec rec = {{name, id, cert, from, to, status, ck == CERT_AUX ? "1" : "0",
                 dept_id, areas, legal ? "1" : "0", NULL, others}};
  officer *o = &w->officers[w->nofficers];
  fz_err rc = fz_reg_create(w->db, &w->cli, FZ_REG_OFFICER, &rec, w->now,
                            &o->id, err);
  if (rc) return rc;
  o->dept = di;
  o->auxiliary = ck == CERT_AUX;
  w->nofficers++;
  fz_demo_stats *st = w->st;
  st->officers++;
  st->auxiliaries += ck == CERT_AUX;
  st->expired += ck == CERT_EXPIRED;
  st->revoked += ck == CERT_REVOKED;
  st->suspended += ck == CERT_SUSPENDED;
  st->legal_qualified += legal != 0;
  st->other_departments += other >= 0;
  return FZ_OK;
}

/* Every department gets officers: ten in a city's market department, six
 * in the province's and the cities' others, five in a county's.  The last
 * one is a 辅助人员; the first holds the 法律职业资格 (the department's
 * 法制审核员), as do one in ten of the rest.  Of the certificates, about
 * one in twenty has expired and one in twenty-five was revoked; every
 * city's market department has one of each, and 沈阳's a suspended one,
 * so that every state can be shown.  The second and third officers of a
 * city's 城市管理综合行政执法局 also serve its 市场监督管理局 (综合行政执法
 * officers who act for another body too). */
static fz_err make_officers(world *w, fz_error *err) {
  fz_err rc = FZ_OK;
  for (int di = 0; !rc && di < w->ndepts; di++) {
    dept *d = &w->depts[di];
    int city_market = d->level == 1 && strcmp(d->kind, "market") == 0;
    int n = city_market ? 10 : d->level < 2 ? 6 : 5;
    d->first_officer = w->nofficers;
    for (int j = 0; !rc && j < n; j++) {
      cert_kind ck = CERT_VALID;
      unsigned roll = pick(&w->r, 100);
      if (roll < 5) ck = CERT_EXPIRED;
      else if (roll < 9) ck = CERT_REVOKED;
      if (city_market && j == 1) ck = CERT_EXPIRED;
      if (city_market && j == 2) ck = CERT_REVOKED;
      if (city_market && d->city == 0 && j == 3) ck = CERT_SUSPENDED;
      if (j == 0) ck = CERT_VALID;
      if (j == n - 1) ck = CERT_AUX;
      int legal = j == 0 || (ck != CERT_AUX && pick(&w->r, 10) == 0);
      int other = d->level == 1 && strcmp(d->kind, "urban") == 0 &&
                          (j == 1 || j == 2)
                      ? city_market_of(w, d)
                      : -1;
      rc = add_officer(w, di, j + 1, ck, legal, other, err);
    }
    d->nofficers = w->nofficers - d->first_officer;
  }
  return rc;
}

/* ---- Catalogues ---------------------------------------------------------- */

/* Creates a record of kind from every data row of an embedded TSV file
 * whose header names the kind's fields. */
static fz_err load_catalogue(world *w, fz_reg_kind kind, const char *file,
                             int *count, fz_error *err) {
  const fz_embed *f = fz_embed_find(file);
  if (!f)
    return fz_error_set(err, FZ_NODATA, "file", "%s is not in this build",
                        file);
  const char *p = (const char *)f->data, *end = p + f->len;
  int col[FZ_REC_MAX_FIELDS], ncol = -1, line = 0;
  fz_err rc = FZ_OK;
  while (!rc && p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *eol = nl ? nl : end;
    size_t len = (size_t)(eol - p);
    const char *at = p;
    p = nl ? nl + 1 : end;
    line++;
    if (len && at[len - 1] == '\r') len--;
    if (!len || *at == '#') continue;
    char buf[4096];
    if (len >= sizeof buf)
      return fz_error_set(err, FZ_TOOBIG, "file", "%s line %d is too long",
                          file, line);
    memcpy(buf, at, len);
    buf[len] = '\0';
    char *cell[FZ_REC_MAX_FIELDS];
    int n = 0;
    for (char *c = buf; c && n < FZ_REC_MAX_FIELDS; n++) {
      cell[n] = c;
      c = strchr(c, '\t');
      if (c) *c++ = '\0';
    }
    if (ncol < 0) {
      for (int i = 0; i < n; i++)
        if ((col[i] = fz_reg_field_find(kind, cell[i])) < 0)
          return fz_error_set(err, FZ_PARSE, "file",
                              "%s: column \"%s\" is not a field of %s", file,
                              cell[i], fz_reg_kind_name(kind));
      ncol = n;
      continue;
    }
    fz_rec rec = {{0}};
    for (int i = 0; i < n && i < ncol; i++) rec.v[col[i]] = cell[i];
    int64_t id;
    rc = fz_reg_create(w->db, &w->cli, kind, &rec, w->now, &id, err);
    if (rc && err) {
      char why[sizeof err->message], field[sizeof err->field];
      snprintf(why, sizeof why, "%s", err->message);
      snprintf(field, sizeof field, "%s", err->field);
      fz_error_set(err, rc, field, "%s line %d: %s", file, line, why);
    }
    if (!rc) (*count)++;
  }
  return rc;
}

/* ---- Conflicts (回避) ---------------------------------------------------- */

/* The code of the k-th entity of a county (by id), or "" when it has fewer. */
static fz_err entity_in(fz_db *db, const char *region, int k, char out[24],
                        fz_error *err) {
  fz_stmt *st;
  out[0] = '\0';
  fz_err rc = fz_db_prepare(db,
                            "SELECT uscc FROM entities WHERE region_code = ? "
                            "ORDER BY id LIMIT 1 OFFSET ?",
                            &st, err);
  if (rc) return rc;
  fz_stmt_bind_text(st, 1, region, -1);
  fz_stmt_bind_int64(st, 2, k);
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) snprintf(out, 24, "%s", fz_stmt_column_text(st, 0));
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW || r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* Three officers of each city's market department have declared a tie to
 * an entity of their city. */
static fz_err make_conflicts(world *w, fz_error *err) {
  static const char *const reasons[] = {
      "近亲属任职：配偶在该单位担任财务负责人",
      "曾在该单位任职（2016年至2019年）",
      "存在经济往来：与该单位法定代表人合伙经营",
      "近亲属任职：兄弟为该单位股东",
      "曾在该单位任职，离职未满三年",
      "存在经济往来：向该单位出租房屋",
  };
  fz_err rc = FZ_OK;
  for (int di = 0; !rc && di < w->ndepts; di++) {
    const dept *d = &w->depts[di];
    if (d->level != 1 || strcmp(d->kind, "market") != 0) continue;
    const city *ci = &w->reg.cities[d->city];
    for (int j = 0; !rc && j < 3 && j < d->nofficers; j++) {
      const officer *o = &w->officers[d->first_officer + j];
      if (o->auxiliary) continue;
      char uscc[24] = "";
      int first = (int)pick(&w->r, (unsigned)ci->n);
      for (int t = 0; !rc && !uscc[0] && t < ci->n; t++) {
        const county *co = &w->reg.counties[ci->first + (first + t) % ci->n];
        rc = entity_in(w->db, co->code, (int)pick(&w->r, 20), uscc, err);
      }
      if (rc || !uscc[0]) continue;
      char oid[24];
      snprintf(oid, sizeof oid, "%lld", (long long)o->id);
      fz_rec rec = {{oid, uscc, PICK(&w->r, reasons)}};
      int64_t id;
      rc = fz_reg_create(w->db, &w->cli, FZ_REG_CONFLICT, &rec, w->now, &id,
                         err);
      if (!rc) w->st->conflicts++;
    }
  }
  return rc;
}

/* ---- Accounts ------------------------------------------------------------ */

static fz_err make_accounts(world *w, char hashes[][FZ_PASSWORD_HASH_SIZE],
                            json_t *names, fz_error *err) {
  fz_err rc = FZ_OK;
  for (size_t i = 0; !rc && i < NACCOUNTS; i++) {
    const fz_demo_account *a = &accounts[i];
    int64_t dept_id = 0, id = 0;
    for (int d = 0; a->department && d < w->ndepts; d++)
      if (strcmp(w->depts[d].name, a->department) == 0)
        dept_id = w->depts[d].id;
    if (a->department && !dept_id)
      return fz_error_set(err, FZ_NOTFOUND, "department",
                          "the demo has no department %s", a->department);
    fz_user_new u = {a->username, a->display_name, a->region_prefix, dept_id,
                     FZ_ROLE_BIT(a->role), 1};
    rc = fz_user_create(w->db, &w->cli, &u, hashes[i], w->now, &id, err);
    /* The password is published: no one-time password to replace. */
    fz_stmt *st = NULL;
    if (!rc)
      rc = fz_db_prepare(w->db, "UPDATE users SET must_change = 0 WHERE id = ?",
                         &st, err);
    if (!rc) {
      fz_stmt_bind_int64(st, 1, id);
      int r = fz_stmt_step(st, err);
      if (r != FZ_STEP_DONE) rc = (fz_err)r;
    }
    fz_stmt_finalize(st);
    if (!rc) {
      json_array_append_new(names, json_string(a->username));
      w->st->accounts++;
    }
  }
  return rc;
}

/* ---- Loading ------------------------------------------------------------- */

fz_err fz_demo_check(fz_db *db, int force, fz_error *err) {
  char *v = NULL;
  fz_err rc = fz_db_meta_get(db, "created_at", &v, err);
  free(v);
  if (rc == FZ_NOTFOUND)
    return fz_error_set(err, FZ_NOTFOUND, "created_at",
                        "该数据库尚未初始化 / this database has not been "
                        "initialised (no meta created_at)");
  if (rc) return rc;
  rc = fz_db_meta_get(db, "demo.loaded", &v, err);
  if (rc == FZ_OK) {
    fz_error_set(err, FZ_EXISTS, "demo.loaded",
                 "演示数据已于 %s 载入，不能重复载入 / the demo data was "
                 "already loaded on %s",
                 v, v);
    free(v);
    return FZ_EXISTS;
  }
  if (rc != FZ_NOTFOUND) return rc;
  rc = fz_db_meta_get(db, "demo", &v, err);
  int demo = rc == FZ_OK && strcmp(v, "true") == 0;
  free(v);
  if (rc && rc != FZ_NOTFOUND) return rc;
  if (!demo && !force)
    return fz_error_set(err, FZ_FORBIDDEN, "demo",
                        "该实例不是演示实例 / this installation was not made "
                        "as a demo; demo accounts share a published password "
                        "and do not belong in a real one");
  fz_error_clear(err);
  return FZ_OK;
}

/* The entities, in batches of their own transactions, through the bulk
 * path of rec_int.h.  The rows are not checked one by one as an import
 * checks them: the generator makes only values the field table accepts
 * (test_demo holds every one against fz_reg_value_check), and their codes
 * are new by construction; a code already taken is skipped and counted. */
static fz_err load_entities(fz_db *db, const fz_demo_opts *o,
                            const fz_demo_gen *g, int64_t now,
                            fz_demo_stats *st, fz_error *err) {
  const fz_rkind *k = fz_reg_kind_get(FZ_REG_ENTITY);
  int batch = o->batch > 0 ? o->batch : FZ_DEMO_BATCH;
  int64_t base = 0, cache = 0, temp = 0;
  /* SQLite's page cache (2 MiB by default) is smaller than what a batch
   * changes: it would write pages out to the WAL mid-batch, again and
   * again; and each insert's statement journal (for ON CONFLICT) would
   * spill to a temporary file.  A 256 MiB cache and temporary data in
   * memory for the load, then the connection's own settings again. */
  int sqlite = fz_db_backend(db) == FZ_BACKEND_SQLITE && o->entities > 0;
  if (sqlite && (fz_db_query_int64(db, "PRAGMA cache_size", &cache, err) ||
                 fz_db_query_int64(db, "PRAGMA temp_store", &temp, err) ||
                 fz_db_exec(db, "PRAGMA cache_size = -262144", err) ||
                 fz_db_exec(db, "PRAGMA temp_store = MEMORY", err)))
    return err ? err->code : FZ_DB;
  fz_demo_entity *e = malloc(sizeof *e);
  fz_err rc = e ? fz_rec_next_id(db, k, &base, err)
                : fz_error_set(err, FZ_NOMEM, "", NULL);
  base--; /* the entities made before: their codes are taken */
  if (!rc && base + o->entities > FZ_DEMO_ENTITIES_MAX)
    rc = fz_error_set(err, FZ_RANGE, "entities",
                      "the database holds %lld entities: the demo can make "
                      "codes for at most %lld in all",
                      (long long)base, (long long)FZ_DEMO_ENTITIES_MAX);
  for (int64_t done = 0; !rc && done < o->entities;) {
    int64_t n = o->entities - done < batch ? o->entities - done : batch;
    int64_t id = 0, first = 0, inserted = 0;
    fz_stmt *ins = NULL;
    rc = fz_db_begin(db, err);
    if (!rc) rc = fz_rec_next_id(db, k, &id, err);
    if (!rc) rc = fz_rec_insert_prepare(db, k, &ins, err);
    first = id;
    for (int64_t j = 0; !rc && j < n; j++) {
      int ok = 0;
      fz_demo_entity_make(g, base, done + j, e);
      rc = fz_rec_insert_run(db, ins, k, id, e->v, now, &ok, err);
      if (ok) id++, inserted++;
      else if (!rc) st->entities_skipped++;
    }
    fz_stmt_finalize(ins);
    if (!rc) {
      json_t *data = json_pack(
          "{s:s, s:s, s:I, s:I, s:I, s:o}", "kind", "entities", "source",
          "demo", "seed", (json_int_t)o->seed, "batch",
          (json_int_t)st->entity_batches + 1, "inserted", (json_int_t)inserted,
          "ids",
          inserted ? json_pack("[I,I]", (json_int_t)first,
                               (json_int_t)(first + inserted - 1))
                   : json_array());
      fz_event ev = {"cli", "entity.import", "import", "demo", data};
      rc = data ? fz_ledger_append(db, &ev, now, NULL, err)
                : fz_error_set(err, FZ_NOMEM, "", NULL);
      json_decref(data);
    }
    if (!rc) rc = fz_db_commit(db, err);
    if (rc) {
      fz_db_rollback(db);
      break;
    }
    st->entities += inserted;
    st->entity_batches++;
    done += n;
    if (o->progress) o->progress(o->progress_ctx, done, o->entities);
  }
  free(e);
  if (sqlite) {
    char sql[96];
    snprintf(sql, sizeof sql,
             "PRAGMA cache_size = %lld; PRAGMA temp_store = %lld",
             (long long)cache, (long long)temp);
    fz_error ignored;
    fz_db_exec(db, sql, &ignored);
  }
  return rc;
}

/* Everything but the entities, in the open transaction. */
static fz_err load_rest(world *w, const fz_demo_opts *o,
                        char hashes[][FZ_PASSWORD_HASH_SIZE], fz_error *err) {
  fz_demo_stats *st = w->st;
  json_t *names = json_array();
  fz_err rc = names ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);
  if (!rc) rc = fz_demo_check(w->db, o->force, err); /* again, in the lock */
  if (!rc) rc = make_departments(w, err);
  if (!rc) rc = make_officers(w, err);
  if (!rc)
    rc = load_catalogue(w, FZ_REG_MATTER, "data/registry/matters.tsv",
                        &st->matters, err);
  if (!rc)
    rc = load_catalogue(w, FZ_REG_ITEM, "data/registry/items.tsv", &st->items,
                        err);
  if (!rc) rc = make_conflicts(w, err);
  if (!rc) rc = make_accounts(w, hashes, names, err);
  if (!rc) {
    json_t *data = json_pack(
        "{s:s, s:I, s:I, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:O, s:b}",
        "region", PROVINCE, "seed", (json_int_t)o->seed, "entities",
        (json_int_t)st->entities, "cities", st->cities, "counties",
        st->counties, "departments", st->departments, "officers",
        st->officers, "matters", st->matters, "items", st->items, "conflicts",
        st->conflicts, "accounts", names, "must_change_cleared", 1);
    fz_event ev = {"cli", "instance.demo", "instance", "1", data};
    rc = data ? fz_ledger_append(w->db, &ev, w->now, NULL, err)
              : fz_error_set(err, FZ_NOMEM, "", NULL);
    json_decref(data);
  }
  if (!rc) {
    char iso[FZ_ISO_TIME_BUF];
    fz_now_iso(iso);
    rc = fz_db_meta_set(w->db, "demo.loaded", iso, err);
  }
  json_decref(names);
  return rc;
}

fz_err fz_demo_load(fz_db *db, const fz_demo_opts *o, fz_demo_stats *st,
                    fz_error *err) {
  memset(st, 0, sizeof *st);
  fz_err rc = fz_demo_check(db, o->force, err);
  if (rc) return rc;
  if (!fz_reg_seal_key())
    return fz_error_set(err, FZ_NODATA, "id_key",
                        "no key to seal ID numbers is loaded: the demo's "
                        "officers carry 身份证号");
  world *w = calloc(1, sizeof *w);
  char(*hashes)[FZ_PASSWORD_HASH_SIZE] = calloc(NACCOUNTS, sizeof *hashes);
  fz_demo_gen *g = NULL;
  if (!w || !hashes) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  if (!rc) {
    w->db = db;
    fz_principal_cli(&w->cli);
    w->now = o->now ? o->now : fz_now_ms();
    w->seed = o->seed;
    w->r.s = mix64(o->seed ^ 0x64656d6fULL);
    w->st = st;
    rc = fz_demo_gen_new(o->seed, o->entities, o->today, &g, err);
  }
  if (!rc) {
    w->reg = g->reg;
    w->today = g->today;
    st->cities = w->reg.ncities;
    st->counties = w->reg.ncounties;
  }
  /* One Argon2 run each, before any transaction holds the writer. */
  const char *password = o->password ? o->password : FZ_DEMO_PASSWORD;
  for (size_t i = 0; !rc && i < NACCOUNTS; i++) {
    rc = fz_password_check(password, accounts[i].username, err);
    if (!rc) rc = fz_password_hash(password, 0, 0, hashes[i], err);
  }
  if (!rc) rc = load_entities(db, o, g, w->now, st, err);
  if (!rc) rc = fz_db_begin(db, err);
  if (!rc) {
    rc = load_rest(w, o, hashes, err);
    if (!rc) rc = fz_db_commit(db, err);
    if (rc) fz_db_rollback(db);
  }
  if (rc) {
    /* Nothing of the last transaction was made. */
    int64_t entities = st->entities, skipped = st->entities_skipped,
            batches = st->entity_batches;
    memset(st, 0, sizeof *st);
    st->entities = entities;
    st->entities_skipped = skipped;
    st->entity_batches = batches;
  }
  fz_demo_gen_free(g);
  if (w) {
    free(w->depts);
    free(w->officers);
  }
  free(w);
  free(hashes);
  return rc;
}

fz_err fz_demo_link_officer(fz_db *db, const char *username, const char *today,
                            int qualified, int64_t now, int64_t *officer_id,
                            int *made, fz_error *err) {
  fz_principal user;
  *made = 0;
  fz_err rc = fz_user_principal(db, username, &user, err);
  if (rc) return rc;
  const int64_t by_user[] = {user.scope.user_id};
  rc = fz_query_int(db, "SELECT id FROM officers WHERE user_id = ?", by_user,
                    1, 0, officer_id, err);
  if (rc || *officer_id) return rc;
  fz_stmt *st;
  rc = fz_db_prepare(db, "SELECT id FROM officers WHERE department_id = ? AND "
                     "active = 1 AND auxiliary = 0 AND status = 'valid' AND "
                     "cert_from <= ? AND cert_to >= ? AND user_id IS NULL AND "
                     "legal_qualification >= ? ORDER BY cert_to DESC, id "
                     "LIMIT 1", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, user.scope.department_id);
  fz_stmt_bind_text(st, 2, today, -1);
  fz_stmt_bind_text(st, 3, today, -1);
  fz_stmt_bind_int64(st, 4, qualified ? 1 : 0);
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) *officer_id = fz_stmt_column_int64(st, 0);
  fz_stmt_finalize(st);
  if (r == FZ_STEP_DONE)
    return fz_error_set(err, FZ_NOTFOUND, "officers", "%s 的部门没有可关联的持证"
                        "执法人员%s / no certified officer to link to %s",
                        username, qualified ? "（须有法律职业资格）" : "",
                        username);
  if (r != FZ_STEP_ROW) return (fz_err)r;
  int field = fz_reg_field_find(FZ_REG_OFFICER, "user_id");
  if (field < 0)
    return fz_error_set(err, FZ_UNSUPPORTED, "user_id", "执法人员没有登录账号"
                        "字段 / officers have no field user_id");
  char uid[24];
  snprintf(uid, sizeof uid, "%lld", (long long)user.scope.user_id);
  fz_principal cli;
  fz_principal_cli(&cli);
  fz_rec rec = {{0}};
  rec.v[field] = uid;
  rc = fz_db_begin(db, err);
  if (!rc) rc = fz_reg_update(db, &cli, FZ_REG_OFFICER, *officer_id, &rec, now,
                              err);
  if (!rc) rc = fz_db_commit(db, err);
  if (rc) fz_db_rollback(db);
  *made = !rc;
  return rc;
}
