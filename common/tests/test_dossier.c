/* Unit tests of the dossier's canonical encoding and hash. The expected
 * hashes were computed independently (Python's hashlib over the byte layout
 * written in docs/dossier.md), so a change of the layout in C fails here
 * and is seen before an exported dossier stops verifying offline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "cg/dossier.h"
#include "cg_test.h"

#define FILE_ID "0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0f"
#define HASH1 "6bd2f296e7ecdeb95dd77cf3f94800179a5879faa91ecbb44c89159c99c8231e"
#define HASH2 "0de7097af1926b847271bd9df5dbf5a7609365ae50b8ffc04293cac887bdd89a"

static const uint8_t ZEROS[CG_DOSSIER_HASH_SIZE];

static cg_dossier_fields first_entry(void)
{
    cg_dossier_fields f = {
        .file_id = FILE_ID,
        .seq = 1,
        .occurred_at_ms = 1764118923456,
        .actor_id = "3f1d9a5e-0000-4000-8000-000000000001",
        .action = "clue.created",
        .summary_json = "{\"source\": \"letters_visits\"}",
        .prev_hash = ZEROS,
    };
    return f;
}

static void hex_of(const cg_dossier_fields *f, char out[2 * CG_DOSSIER_HASH_SIZE + 1])
{
    uint8_t h[CG_DOSSIER_HASH_SIZE];
    cg_dossier_hash(f, h);
    sodium_bin2hex(out, 2 * CG_DOSSIER_HASH_SIZE + 1, h, sizeof h);
}

static void test_layout(void **state)
{
    (void)state;
    cg_dossier_fields f = first_entry();
    uint8_t buf[512];
    size_t n = cg_dossier_encode(&f, buf, sizeof buf);
    /* magic 20, file id 4+36, seq 8, time 8, actor 4+36, action 4+12,
     * summary 4+28, prev hash 32. */
    assert_int_equal(n, 196);
    assert_memory_equal(buf, "cleangrid.dossier.v1", 20);
    static const uint8_t id_len[] = {0, 0, 0, 36};
    assert_memory_equal(buf + 20, id_len, 4);
    assert_memory_equal(buf + 24, FILE_ID, 36);
    /* seq 1, big-endian. */
    static const uint8_t seq[] = {0, 0, 0, 0, 0, 0, 0, 1};
    assert_memory_equal(buf + 60, seq, 8);
    /* 1764118923456 = 0x0000019ABDAE88C0, big-endian. */
    static const uint8_t ms[] = {0x00, 0x00, 0x01, 0x9A, 0xBD, 0xAE, 0x88, 0xC0};
    assert_memory_equal(buf + 68, ms, 8);
    assert_memory_equal(buf + n - 32, ZEROS, 32);
}

static void test_small_buffer_untouched(void **state)
{
    (void)state;
    cg_dossier_fields f = first_entry();
    uint8_t buf[100];
    memset(buf, 0xAA, sizeof buf);
    assert_int_equal(cg_dossier_encode(&f, buf, sizeof buf), 196);
    for (size_t i = 0; i < sizeof buf; i++) {
        assert_int_equal(buf[i], 0xAA);
    }
    assert_int_equal(cg_dossier_encode(&f, NULL, 0), 196);
}

static void test_known_hashes(void **state)
{
    (void)state;
    char hex[2 * CG_DOSSIER_HASH_SIZE + 1];
    cg_dossier_fields f = first_entry();
    hex_of(&f, hex);
    assert_string_equal(hex, HASH1);

    /* The second entry chains to the first, with non-ASCII summary text. */
    uint8_t prev[CG_DOSSIER_HASH_SIZE];
    assert_int_equal(sodium_hex2bin(prev, sizeof prev, HASH1, 64, NULL, NULL, NULL), 0);
    cg_dossier_fields g = first_entry(); /* the same file */
    g.seq = 2;
    g.occurred_at_ms = 1764118923999;
    g.actor_id = "system:case";
    g.action = "disposal.proposed";
    g.summary_json = "{\"way\": \"close\", \"理由\": \"无\"}";
    g.prev_hash = prev;
    hex_of(&g, hex);
    assert_string_equal(hex, HASH2);
}

static void test_every_field_counts(void **state)
{
    (void)state;
    char base[65], other[65];
    cg_dossier_fields f = first_entry();
    hex_of(&f, base);
    static const uint8_t one[CG_DOSSIER_HASH_SIZE] = {1};

    /* The first entry with one field changed, a field in each. */
    cg_dossier_fields changed[7];
    for (size_t i = 0; i < CG_NROWS(changed); i++)
        changed[i] = f;
    changed[0].seq = 2;
    changed[1].occurred_at_ms++;
    changed[2].actor_id = "3f1d9a5e-0000-4000-8000-000000000002";
    changed[3].action = "clue.changed";
    changed[4].summary_json = "{\"source\": \"letters_visitz\"}";
    changed[5].prev_hash = one;
    changed[6].file_id = "0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0e";
    for (size_t i = 0; i < CG_NROWS(changed); i++) {
        hex_of(&changed[i], other);
        if (strcmp(base, other) == 0)
            fail_msg("change %zu leaves the hash %s", i, base);
    }
}

/* Length prefixes: moving a byte from one string to the next changes the
 * hash, although the concatenated text stays the same. */
static void test_no_ambiguity(void **state)
{
    (void)state;
    char a[65], b[65];
    cg_dossier_fields f = first_entry();
    f.actor_id = "system:cas";
    f.action = "e.clue.created";
    hex_of(&f, a);
    f.actor_id = "system:case";
    f.action = ".clue.created";
    hex_of(&f, b);
    assert_string_not_equal(a, b);
}

/* The statements name the service's own tables and no other. */
static void test_tables(void **state)
{
    (void)state;
    static const cg_dossier_tables t = CG_DOSSIER_TABLES("x_entries", "x_heads");
    assert_string_equal(t.entries, "x_entries");
    assert_string_equal(t.heads, "x_heads");
    assert_non_null(strstr(t.sql_lock_head, "INSERT INTO x_heads AS h"));
    assert_non_null(strstr(t.sql_append, "INSERT INTO x_entries ("));
    assert_non_null(strstr(t.sql_append, "UPDATE x_heads SET"));
    assert_non_null(strstr(t.sql_head, "FROM x_heads WHERE"));
    assert_non_null(strstr(t.sql_entries, "FROM x_entries WHERE"));
    assert_non_null(strstr(t.sql_export, "FROM x_entries WHERE"));
    const char *const all[] = {t.sql_lock_head, t.sql_append, t.sql_head, t.sql_entries,
                               t.sql_export};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        assert_null(strstr(all[i], "dossier_"));
    }
}

CG_TEST_MAIN_SODIUM(cmocka_unit_test(test_layout), cmocka_unit_test(test_small_buffer_untouched),
                    cmocka_unit_test(test_known_hashes), cmocka_unit_test(test_every_field_counts),
                    cmocka_unit_test(test_no_ambiguity), cmocka_unit_test(test_tables))
