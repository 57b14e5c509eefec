/* test_id.c — 统一社会信用代码, 居民身份证号, kind detection and masks. */
#include <stdio.h>
#include <string.h>

#include "id/id.h"
#include "test.h"

static const fz_id_date TODAY = {2025, 6, 15};

/* first17 plus its GB 11643 check character, in buf[19]. */
static const char *with_resident_check(const char *first17, char *buf) {
  snprintf(buf, 19, "%s%c", first17, fz_resident_check_char(first17));
  return buf;
}

/* The English half of a refusal, "中文 / English", which the tests
 * compare; a message without its Chinese half fails them. */
static const char *en(const char *message) {
  const char *sep = strstr(message, " / ");
  return sep && sep > message ? sep + 3 : "(no Chinese half)";
}

/* ---- 统一社会信用代码 ---- */

static void test_uscc_valid_examples(void) {
  const char *ok[] = {"91110000600037341L", "91440300568520498A",
                      "91310115MA1K3BTP2B", "121200004013590816"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    fz_id_result r;
    CHECK_INT(fz_uscc_validate(ok[i], &r), FZ_OK);
    CHECK_INT(r.valid, 1);
    CHECK_INT(r.kind, FZ_ID_USCC);
    CHECK_STR(r.code, ok[i]);
    CHECK_INT(r.err.code, FZ_OK);
    CHECK_STR(r.err.message, "");  /* valid: no message */
  }
}

static void test_uscc_check_chars(void) {
  fz_id_result r;
  /* The ends of the alphabet: Σ mod 31 = 0 gives '0', 1 gives 'Y'. */
  CHECK_INT(fz_uscc_validate("912101020000003850", &r), FZ_OK);
  CHECK_INT(fz_uscc_validate("91210102000000027Y", &r), FZ_OK);
  CHECK_INT(fz_uscc_validate("91210102000000061G", &r), FZ_INVALID);
  CHECK_STR(en(r.err.message),
            "organization code check (GB 11714, positions 9-17): got '1', "
            "expected 'X' (position 17)");
  CHECK_INT(fz_uscc_check_char("91110000600037341"), 'L');
  CHECK_INT(fz_uscc_check_char("12120000401359081"), '6');
  CHECK_INT(fz_uscc_check_char("9111000060003734"), 0);   /* 16 */
  CHECK_INT(fz_uscc_check_char("9111000060003734I"), 0);  /* I */
  CHECK_INT(fz_orgcode_check_char("60003734"), '1');
  CHECK_INT(fz_orgcode_check_char("MA1K3BTP"), '2');
  CHECK_INT(fz_orgcode_check_char("00000006"), 'X'); /* C = 10 */
  CHECK_INT(fz_orgcode_check_char("00000000"), '0'); /* C = 11 */
  CHECK_INT(fz_orgcode_check_char("6000373"), 0);
  CHECK_INT(fz_orgcode_check_char("6000373-"), 0);
}

static void test_uscc_region(void) {
  fz_id_result r;
  fz_uscc_validate("91310115MA1K3BTP2B", &r);
  CHECK_STR(r.region_code, "310115");
  CHECK_STR(r.region_name, "上海市浦东新区");
  CHECK_INT(r.region_exact, 1);
  /* Real codes may start with letters; the region is still positions 3–8. */
  char code[19] = "Y1210102MA000000";
  code[16] = fz_orgcode_check_char("MA000000");
  code[17] = fz_uscc_check_char(code);
  code[18] = '\0';
  CHECK_INT(fz_uscc_validate(code, &r), FZ_OK);
  CHECK_STR(r.region_name, "辽宁省沈阳市和平区");
  /* 330103 下城区 was merged in 2021: its city is named instead. */
  memcpy(code, "91330103", 8);
  code[17] = '\0';
  code[17] = fz_uscc_check_char(code);
  CHECK_INT(fz_uscc_validate(code, &r), FZ_OK);
  CHECK_STR(r.region_code, "330103");
  CHECK_STR(r.region_name, "浙江省杭州市");
  CHECK_INT(r.region_exact, 0);
}

static void test_uscc_normalises(void) {
  fz_id_result r;
  CHECK_INT(fz_uscc_validate("  91310115ma1k3btp2b\t\n", &r), FZ_OK);
  CHECK_STR(r.code, "91310115MA1K3BTP2B");
  /* The full-width space of a Chinese input method is trimmed too. */
  CHECK_INT(fz_uscc_validate("\xE3\x80\x80" "91110000600037341l", &r), FZ_OK);
  CHECK_STR(r.code, "91110000600037341L");
}

static void test_uscc_length(void) {
  fz_id_result r;
  CHECK_INT(fz_uscc_validate("91110000600037341", &r), FZ_INVALID);
  CHECK_STR(en(r.err.message), "length: got 17 characters, need 18");
  CHECK_STR(r.err.field, "code");
  CHECK_INT(r.valid, 0);
  fz_uscc_validate("91110000600037341L0", &r);
  CHECK_STR(en(r.err.message), "length: got 19 characters, need 18");
  fz_uscc_validate("", &r);
  CHECK_STR(en(r.err.message), "length: got 0 characters, need 18");
  fz_uscc_validate(NULL, &r);
  CHECK_STR(en(r.err.message), "length: got 0 characters, need 18");
  /* Characters, not bytes: 18 CJK characters are 54 bytes. */
  fz_uscc_validate("统一社会信用代码统一社会信用代码统一", &r);
  CHECK_STR(en(r.err.message),
            "character: position 1 is '统'; allowed are 0-9 and A-Z except "
            "I, O, Z, S, V");
}

static void test_uscc_banned_letters(void) {
  const char *banned = "IOZSV";
  for (int i = 0; banned[i]; i++) {
    char code[19] = "91310115MA1K3BTP2B";
    code[9] = banned[i]; /* position 10 */
    char want[160];
    snprintf(want, sizeof want,
             "character: position 10 is '%c'; the letters I, O, Z, S and V "
             "are not used (GB 32100-2015)",
             banned[i]);
    fz_id_result r;
    CHECK_INT(fz_uscc_validate(code, &r), FZ_INVALID);
    CHECK_STR(en(r.err.message), want);
    code[9] = (char)(banned[i] + 32); /* lower case is the same letter */
    fz_uscc_validate(code, &r);
    CHECK_STR(en(r.err.message), want);
  }
  fz_id_result r;
  fz_uscc_validate("9131011-MA1K3BTP2B", &r);
  CHECK_STR(en(r.err.message),
            "character: position 8 is '-'; allowed are 0-9 and A-Z except I, "
            "O, Z, S, V");
  fz_uscc_validate("9131011\xEF\xBC\x95MA1K3BTP2B", &r); /* full-width 5 */
  CHECK_CONTAINS(r.err.message, "position 8 is '\xEF\xBC\x95'");
  fz_uscc_validate("9131011\xFFMA1K3BTP2B", &r);
  CHECK_CONTAINS(r.err.message, "position 8 is byte 0xFF");
}

static void test_uscc_checksum(void) {
  fz_id_result r;
  CHECK_INT(fz_uscc_validate("91110000600037341M", &r), FZ_INVALID);
  CHECK_STR(en(r.err.message), "checksum: got 'M', expected 'L' (position 18)");
  CHECK_STR(r.err.message, "校验码错误：第 18 位为 'M'，应为 'L' / checksum: "
                           "got 'M', expected 'L' (position 18)");
  fz_uscc_validate("121200004013590817", &r);
  CHECK_STR(en(r.err.message), "checksum: got '7', expected '6' (position 18)");
  /* The region is reported even when the code is wrong. */
  CHECK_STR(r.region_code, "120000");
  CHECK_STR(r.region_name, "天津市");
}

static void test_uscc_orgcode(void) {
  /* Position 17 changed from 1 to 2 and position 18 recomputed, so only the
   * GB 11714 check of positions 9–17 fails. */
  fz_id_result r;
  CHECK_INT(fz_uscc_check_char("91110000600037342"), 'P');
  CHECK_INT(fz_uscc_validate("91110000600037342P", &r), FZ_INVALID);
  CHECK_STR(en(r.err.message),
            "organization code check (GB 11714, positions 9-17): got '2', "
            "expected '1' (position 17)");
}

/* ---- 居民身份证号 ---- */

static void test_resident_valid(void) {
  fz_id_result r;
  CHECK_INT(fz_resident_validate("11010519491231002X", TODAY, &r), FZ_OK);
  CHECK_INT(r.valid, 1);
  CHECK_INT(r.kind, FZ_ID_RESIDENT);
  CHECK_INT(r.birth.year, 1949);
  CHECK_INT(r.birth.month, 12);
  CHECK_INT(r.birth.day, 31);
  CHECK_INT(r.sex, FZ_SEX_FEMALE); /* 顺序码 002: even */
  CHECK_STR(r.region_code, "110105");
  CHECK_STR(r.region_name, "北京市朝阳区");
  CHECK_INT(fz_resident_check_char("11010519491231002"), 'X');
  CHECK_INT(fz_resident_check_char("1101051949123100A"), 0);

  CHECK_INT(fz_resident_validate(" 11010519491231002x ", TODAY, &r), FZ_OK);
  CHECK_STR(r.code, "11010519491231002X");

  char id[19];
  CHECK_INT(fz_resident_validate(
                with_resident_check("21010219900101123", id), TODAY, &r),
            FZ_OK);
  CHECK_STR(id, "210102199001011237");
  CHECK_INT(r.sex, FZ_SEX_MALE);
  CHECK_STR(r.region_name, "辽宁省沈阳市和平区");
  /* Leap day in a leap year, and born today. */
  CHECK_INT(fz_resident_validate(
                with_resident_check("21010220240229123", id), TODAY, &r),
            FZ_OK);
  CHECK_INT(fz_resident_validate(
                with_resident_check("21010220250615123", id), TODAY, &r),
            FZ_OK);
  CHECK_INT(fz_resident_validate(
                with_resident_check("21010219000101123", id), TODAY, &r),
            FZ_OK);
}

static void test_resident_length_and_chars(void) {
  fz_id_result r;
  CHECK_INT(fz_resident_validate("11010519491231002", TODAY, &r), FZ_INVALID);
  CHECK_STR(en(r.err.message), "length: got 17 characters, need 18");
  fz_resident_validate("11010519491231002X1", TODAY, &r);
  CHECK_STR(en(r.err.message), "length: got 19 characters, need 18");
  fz_resident_validate("1101051949123100XX", TODAY, &r);
  CHECK_STR(en(r.err.message),
            "character: position 17 is 'X'; positions 1-17 must be digits");
  fz_resident_validate("11010519491231002Y", TODAY, &r);
  CHECK_STR(en(r.err.message),
            "character: position 18 is 'Y'; position 18 must be a digit or X");
}

static void check_date(const char *first17, const char *want) {
  char id[19];
  fz_id_result r;
  CHECK_INT(fz_resident_validate(with_resident_check(first17, id), TODAY, &r),
            FZ_INVALID);
  CHECK_STR(en(r.err.message), want);
}

static void test_resident_dates(void) {
  check_date("21010219490230123",
             "birth date: day 30 in 19490230 (positions 7-14) does not "
             "exist: month 02 has 28 days");
  check_date("21010220230229123",
             "birth date: day 29 in 20230229 (positions 7-14) does not "
             "exist: 2023 is not a leap year");
  check_date("21010219000229123", /* 1900 is not a leap year */
             "birth date: day 29 in 19000229 (positions 7-14) does not "
             "exist: 1900 is not a leap year");
  check_date("21010219900001123",
             "birth date: month 00 in 19900001 (positions 7-14) does not "
             "exist");
  check_date("21010219901301123",
             "birth date: month 13 in 19901301 (positions 7-14) does not "
             "exist");
  check_date("21010219900100123",
             "birth date: day 00 in 19900100 (positions 7-14) does not "
             "exist: month 01 has 31 days");
  check_date("21010219900431123",
             "birth date: day 31 in 19900431 (positions 7-14) does not "
             "exist: month 04 has 30 days");
  check_date("21010220250616123",
             "birth date: 20250616 (positions 7-14) is after today, "
             "2025-06-15");
  check_date("21010218991231123",
             "birth date: 18991231 (positions 7-14) is before 1900-01-01");
}

static void test_resident_checksum(void) {
  fz_id_result r;
  CHECK_INT(fz_resident_validate("110105194912310021", TODAY, &r), FZ_INVALID);
  CHECK_STR(en(r.err.message), "checksum: got '1', expected 'X' (position 18)");
  CHECK_INT(r.sex, FZ_SEX_UNKNOWN); /* not trusted from an invalid ID */
  fz_resident_validate("210102199001011230", TODAY, &r);
  CHECK_STR(en(r.err.message), "checksum: got '0', expected '7' (position 18)");
}

/* ---- Detection ---- */

static void test_detect(void) {
  fz_id_result r;
  /* All-digit USCC: USCC validates, the resident ID does not. */
  CHECK_INT(fz_id_check("121200004013590816", TODAY, &r), FZ_OK);
  CHECK_INT(r.kind, FZ_ID_USCC);
  CHECK_INT(r.valid, 1);
  CHECK_INT(fz_id_check("11010519491231002x", TODAY, &r), FZ_OK);
  CHECK_INT(r.kind, FZ_ID_RESIDENT);
  CHECK_STR(r.code, "11010519491231002X");
  CHECK_INT(fz_id_check("91310115ma1k3btp2b", TODAY, &r), FZ_OK);
  CHECK_INT(r.kind, FZ_ID_USCC);

  /* Valid as both (found by search): rule 2 prefers the resident ID. */
  CHECK_INT(fz_id_check("210102198507271349", TODAY, &r), FZ_OK);
  CHECK_INT(r.kind, FZ_ID_RESIDENT);
  fz_id_result u;
  CHECK_INT(fz_uscc_validate("210102198507271349", &u), FZ_OK);

  /* Neither valid: the plausible kind's reason. */
  CHECK_INT(fz_id_check("110105194912310021", TODAY, &r), FZ_INVALID);
  CHECK_INT(r.kind, FZ_ID_RESIDENT);
  CHECK_STR(en(r.err.message), "checksum: got '1', expected 'X' (position 18)");
  fz_id_check("11010519491231002", TODAY, &r); /* a digit short */
  CHECK_INT(r.kind, FZ_ID_RESIDENT);
  CHECK_STR(en(r.err.message), "length: got 17 characters, need 18");
  fz_id_check("121200004013590817", TODAY, &r); /* 0040-13-59: no date */
  CHECK_INT(r.kind, FZ_ID_USCC);
  CHECK_STR(en(r.err.message), "checksum: got '7', expected '6' (position 18)");
  fz_id_check("91110000600037341M", TODAY, &r);
  CHECK_INT(r.kind, FZ_ID_USCC);
  fz_id_check("9111000060003734", TODAY, &r); /* date 00600037: no */
  CHECK_INT(r.kind, FZ_ID_USCC);
  /* Date-shaped but impossible or future: reported as a birth date. */
  fz_id_check("21010220300101123X", TODAY, &r);
  CHECK_INT(r.kind, FZ_ID_RESIDENT);
  CHECK_CONTAINS(r.err.message, "birth date");
  fz_id_check("11010519490230002X", TODAY, &r); /* USCC checksum passes */
  CHECK_INT(r.kind, FZ_ID_RESIDENT);
  CHECK_CONTAINS(r.err.message, "birth date");
  fz_id_check("2101021990010112X7", TODAY, &r); /* X not last: USCC */
  CHECK_INT(r.kind, FZ_ID_USCC);
  CHECK_STR(en(r.err.message), "checksum: got '7', expected 'C' (position 18)");
  CHECK_STR(fz_id_kind_name(FZ_ID_USCC), "统一社会信用代码");
  CHECK_STR(fz_id_kind_name(FZ_ID_RESIDENT), "居民身份证号");
}

/* ---- Masks ---- */

static void test_masks(void) {
  char b[64];
  CHECK_INT(fz_mask_resident("11010519491231002X", b, sizeof b), FZ_OK);
  CHECK_STR(b, "110105********002X");
  CHECK_INT(fz_mask_resident("12345678901", b, sizeof b), FZ_OK);
  CHECK_STR(b, "123456*8901");
  CHECK_INT(fz_mask_resident("1234567890", b, sizeof b), FZ_OK);
  CHECK_STR(b, "**********");

  CHECK_INT(fz_mask_name("张", b, sizeof b), FZ_OK);
  CHECK_STR(b, "*");
  CHECK_INT(fz_mask_name("张三", b, sizeof b), FZ_OK);
  CHECK_STR(b, "张*");
  CHECK_INT(fz_mask_name("张三丰", b, sizeof b), FZ_OK);
  CHECK_STR(b, "张*丰");
  CHECK_INT(fz_mask_name("欧阳娜娜", b, sizeof b), FZ_OK);
  CHECK_STR(b, "欧**娜");
  CHECK_INT(fz_mask_name(" 买买提·艾力 ", b, sizeof b), FZ_OK);
  CHECK_STR(b, "买****力");
  CHECK_INT(fz_mask_name("Li", b, sizeof b), FZ_OK);
  CHECK_STR(b, "L*");
  CHECK_INT(fz_mask_name("😀ab😀", b, sizeof b), FZ_OK); /* 4-byte chars */
  CHECK_STR(b, "😀**😀");
  CHECK_INT(fz_mask_name("", b, sizeof b), FZ_OK);
  CHECK_STR(b, "");

  CHECK_INT(fz_mask_phone("13812341234", b, sizeof b), FZ_OK);
  CHECK_STR(b, "138****1234");
  CHECK_INT(fz_mask_phone("02412345", b, sizeof b), FZ_OK);
  CHECK_STR(b, "024*2345");
  CHECK_INT(fz_mask_phone("1234567", b, sizeof b), FZ_OK);
  CHECK_STR(b, "*******");
}

static void test_mask_errors(void) {
  char b[8] = "x";
  /* Too small: nothing of the input may leak. */
  CHECK_INT(fz_mask_name("张三丰", b, 7), FZ_TOOBIG); /* needs 8 */
  CHECK_STR(b, "");
  CHECK_INT(fz_mask_name("张三丰", b, 8), FZ_OK);
  CHECK_INT(fz_mask_phone("13812341234", b, sizeof b), FZ_TOOBIG);
  CHECK_STR(b, "");
  memcpy(b, "x", 2);
  CHECK_INT(fz_mask_name("张\xE4\xB8", b, sizeof b), FZ_INVALID);
  CHECK_STR(b, "");
  CHECK_INT(fz_mask_name("\xC0\x80", b, sizeof b), FZ_INVALID); /* overlong */
  CHECK_INT(fz_mask_name(NULL, b, sizeof b), FZ_INVALID);
  CHECK_INT(fz_mask_resident("11010519491231002X", b, 0), FZ_TOOBIG);
}

int main(void) {
  RUN(test_uscc_valid_examples);
  RUN(test_uscc_check_chars);
  RUN(test_uscc_region);
  RUN(test_uscc_normalises);
  RUN(test_uscc_length);
  RUN(test_uscc_banned_letters);
  RUN(test_uscc_checksum);
  RUN(test_uscc_orgcode);
  RUN(test_resident_valid);
  RUN(test_resident_length_and_chars);
  RUN(test_resident_dates);
  RUN(test_resident_checksum);
  RUN(test_detect);
  RUN(test_masks);
  RUN(test_mask_errors);
  return TEST_END();
}
