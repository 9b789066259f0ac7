/* Unit tests of the canonical person id and the name key (cg/person.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
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

/* An accusation naming several people yields each name's key once. */
static void test_name_keys_of(void **state)
{
    (void)state;
    char keys[4][CG_NAME_KEY_SIZE];
    assert_int_equal(cg_name_keys_of("王五、赵六", keys, 4), 2);
    assert_string_equal(keys[0], "王五");
    assert_string_equal(keys[1], "赵六");
    assert_int_equal(cg_name_keys_of("Wang Wu; li si, WANG WU / 王 五\n", keys, 4), 3);
    assert_string_equal(keys[0], "wangwu");
    assert_string_equal(keys[1], "lisi");
    assert_string_equal(keys[2], "王五");
    assert_int_equal(cg_name_keys_of("王五，赵六；孙七／周八", keys, 4), 4);
    assert_string_equal(keys[3], "周八");
    assert_int_equal(cg_name_keys_of("a,b,c,d,e", keys, 2), 2);
    assert_int_equal(cg_name_keys_of(" 、 ,", keys, 4), 0);
    assert_int_equal(cg_name_keys_of("", keys, 4), 0);
    assert_int_equal(cg_name_keys_of(NULL, keys, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_person_id_canon),
        cmocka_unit_test(test_name_key),
        cmocka_unit_test(test_name_keys_of),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
