/* Unit tests of the canonical person id and the name key (cg/person.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "cg/person.h"
#include "cg_test.h"

typedef struct {
    const char *in, *want;
} pair;

/* One canonical form: no surrounding white space, ASCII in upper case, so
 * ids that differ only there are one id. */
static void test_person_id_canon(void **state)
{
    (void)state;
    static const pair rows[] = {
        {"sec-subj-1", "SEC-SUBJ-1"},
        {"SEC-SUBJ-1 ", "SEC-SUBJ-1"},
        {"\t Hr-1001\r\n", "HR-1001"},
        {"HR-1001", "HR-1001"},
        {"", ""},
        {"   ", ""},
        {"a b", "A B"},
    };
    char out[CG_PERSON_ID_SIZE];
    for (size_t i = 0; i < CG_NROWS(rows); i++) {
        assert_true(cg_person_id_canon(rows[i].in, out, sizeof out));
        assert_string_equal(out, rows[i].want);
    }
    assert_true(cg_person_id_canon(NULL, out, sizeof out));
    assert_string_equal(out, "");

    /* 64 characters fit; 65 do not, even when spaces around them do. */
    char id[80];
    memset(id, 'q', 64);
    strcpy(id + 64, "  ");
    assert_true(cg_person_id_canon(id, out, sizeof out));
    assert_int_equal(strlen(out), 64);
    id[64] = 'q';
    assert_false(cg_person_id_canon(id, out, sizeof out));
    assert_string_equal(out, "");
}

/* Two spellings of one name share a key; different names do not. */
static void test_name_key(void **state)
{
    (void)state;
    static const pair rows[] = {
        {"王五", "王五"},
        {" 王 五 ", "王五"},
        {"王\xe3\x80\x80五", "王五"}, /* ideographic space */
        {"Wang Wu", "wangwu"},
        {"WANG\xc2\xb7WU", "wangwu"},                /* middle dot */
        {"\xef\xbc\xb7\xef\xbd\x81ng Wu", "wangwu"}, /* full-width W, a */
        {"阿卜杜拉\xc2\xb7买买提", "阿卜杜拉买买提"},
        {"  ", ""},
        {"王五（处长）", "王五(处长)"}, /* full-width brackets */
    };
    char out[CG_NAME_KEY_SIZE];
    for (size_t i = 0; i < CG_NROWS(rows); i++) {
        assert_true(cg_name_key(rows[i].in, out, sizeof out));
        assert_string_equal(out, rows[i].want);
    }
    char other[CG_NAME_KEY_SIZE];
    assert_true(cg_name_key("王六", other, sizeof other));
    assert_true(cg_name_key("王五", out, sizeof out));
    assert_string_not_equal(out, other);

    /* A name that does not fit is no key at all, never a shorter one. */
    char small[4];
    assert_false(cg_name_key("王五", small, sizeof small));
    assert_string_equal(small, "");

    /* Bytes that are not UTF-8 are kept as they are. */
    assert_true(cg_name_key("a\xff"
                            "B",
                            out, sizeof out));
    assert_string_equal(out, "a\xff"
                             "b");
}

/* An accusation naming several people yields each name's key once: lists,
 * titles in brackets, and a Chinese name beside a title as a key of its
 * own; a Latin word alone never (many share a surname), nor one character. */
static void test_name_keys_of(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *want[4];
    } rows[] = {
        {"王五、赵六", {"王五", "赵六"}},
        {"Wang Wu; li si, WANG WU / 王 五\n", {"wangwu", "lisi", "王五"}},
        {"王五，赵六；孙七／周八", {"王五", "赵六", "孙七", "周八"}},
        {"王五（处长）", {"王五", "处长"}},
        {"Wang Wu (manager)", {"wangwu", "manager"}},
        {"华东纪检监察员 王五", {"华东纪检监察员王五", "华东纪检监察员", "王五"}},
        {"王五 Wang Wu", {"王五wangwu", "王五"}},
        {"王 五", {"王五"}},
        {" 、 ,", {NULL}},
        {"", {NULL}},
    };
    char keys[4][CG_NAME_KEY_SIZE];
    for (size_t i = 0; i < CG_NROWS(rows); i++) {
        size_t n = cg_name_keys_of(rows[i].text, keys, 4);
        for (size_t k = 0; k < 4; k++) {
            if (rows[i].want[k] == NULL) {
                assert_int_equal(n, k);
                break;
            }
            assert_true(k < n);
            assert_string_equal(keys[k], rows[i].want[k]);
        }
    }
    assert_int_equal(cg_name_keys_of("a,b,c,d,e", keys, 2), 2);
    assert_int_equal(cg_name_keys_of(NULL, keys, 4), 0);
}

/* An actor's keys travel as a JSON array, quotes escaped; a name with too
 * many keys is refused rather than matched in part. */
static void test_name_keys_json(void **state)
{
    (void)state;
    char out[CG_NAME_KEYS_JSON_SIZE];
    assert_true(cg_name_keys_json("Wang Wu", out, sizeof out));
    assert_string_equal(out, "[\"wangwu\"]");
    assert_true(cg_name_keys_json(NULL, out, sizeof out));
    assert_string_equal(out, "[]");
    assert_true(cg_name_keys_json("纪检监察员 Inspector", out, sizeof out));
    assert_string_equal(out, "[\"纪检监察员inspector\",\"纪检监察员\"]");
    assert_true(cg_name_keys_json("a\"b\\c", out, sizeof out));
    assert_string_equal(out, "[\"a\\\"b\\\\c\"]");

    char small[8];
    assert_false(cg_name_keys_json("Wang Wu", small, sizeof small));
    assert_string_equal(small, "");
    char many[200] = "";
    for (int i = 0; i < CG_NAME_KEYS_MAX; i++) {
        char part[8];
        snprintf(part, sizeof part, "%sn%c", i > 0 ? "," : "", 'a' + i);
        strcat(many, part);
    }
    assert_false(cg_name_keys_json(many, out, sizeof out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_person_id_canon),
        cmocka_unit_test(test_name_key),
        cmocka_unit_test(test_name_keys_of),
        cmocka_unit_test(test_name_keys_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
