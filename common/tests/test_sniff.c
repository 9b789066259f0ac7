/* Unit tests of the document type read from the content's magic bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "cg_test.h"
#include "cg/sniff.h"

static const char *sniff(const void *data, size_t len)
{
    const char *mime = NULL;
    cg_err err;
    cg_err_clear(&err);
    if (cg_sniff_type(data, len, &mime, &err) != CG_OK) {
        assert_int_equal(err.code, CG_INVALID_ARGUMENT);
        assert_string_equal(err.violations[0].field, "content");
        assert_null(mime);
        return NULL;
    }
    return mime;
}

/* A zip in memory holding the named (empty) entries; caller frees. */
static uint8_t *make_zip(const char *const *names, size_t *len)
{
    size_t cap = 1 << 16, used = 0;
    uint8_t *buf = malloc(cap);
    struct archive *a = archive_write_new();
    struct archive_entry *e = archive_entry_new();
    assert_non_null(buf);
    archive_write_set_format_zip(a);
    assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
    for (const char *const *n = names; *n != NULL; n++) {
        archive_entry_clear(e);
        archive_entry_set_pathname(e, *n);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, 3);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, "<x>", 3), 3);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_entry_free(e);
    archive_write_free(a);
    *len = used;
    return buf;
}

static void test_images_and_pdf(void **state)
{
    (void)state;
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
    static const uint8_t jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F'};
    static const uint8_t ole2[] = {0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0};
    assert_string_equal(sniff("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 15), CG_MIME_PDF);
    assert_string_equal(sniff(png, sizeof png), CG_MIME_PNG);
    assert_string_equal(sniff(jpeg, sizeof jpeg), CG_MIME_JPEG);
    assert_string_equal(sniff("GIF89a\x01\x00", 8), CG_MIME_GIF);
    assert_string_equal(sniff("GIF87a\x01\x00", 8), CG_MIME_GIF);
    assert_string_equal(sniff("RIFF\x10\0\0\0WEBPVP8 ", 16), CG_MIME_WEBP);
    assert_string_equal(sniff("II*\0\x08\0\0\0", 8), CG_MIME_TIFF);
    assert_string_equal(sniff("MM\0*\0\0\0\x08", 8), CG_MIME_TIFF);
    assert_string_equal(sniff(ole2, sizeof ole2), CG_MIME_OLE2);
}

static void test_office_zips(void **state)
{
    (void)state;
    static const char *const docx[] = {"[Content_Types].xml", "_rels/.rels", "word/document.xml",
                                       NULL};
    static const char *const xlsx[] = {"[Content_Types].xml", "xl/workbook.xml", NULL};
    static const char *const pptx[] = {"[Content_Types].xml", "ppt/presentation.xml", NULL};
    static const char *const ofd[] = {"OFD.xml", "Doc_0/Document.xml", NULL};
    /* A zip of anything else, and an office-like zip without its content
     * types, are refused: they could hold anything. */
    static const char *const plain[] = {"readme.txt", "run.exe", NULL};
    static const char *const no_types[] = {"word/document.xml", NULL};
    struct {
        const char *const *names;
        const char *want;
    } cases[] = {{docx, CG_MIME_DOCX}, {xlsx, CG_MIME_XLSX}, {pptx, CG_MIME_PPTX},
                 {ofd, CG_MIME_OFD},   {plain, NULL},        {no_types, NULL}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = 0;
        uint8_t *zip = make_zip(cases[i].names, &len);
        const char *got = sniff(zip, len);
        if (cases[i].want == NULL)
            assert_null(got);
        else
            assert_string_equal(got, cases[i].want);
        free(zip);
    }
}

static void test_refused(void **state)
{
    (void)state;
    /* Text named invoice.pdf, an executable, HTML, and a PDF marker that
     * does not start the file. */
    assert_null(sniff("just some text, named invoice.pdf", 33));
    assert_null(sniff("MZ\x90\0\x03\0\0\0", 8));
    assert_null(sniff("<html><body>%PDF-</body></html>", 31));
    assert_null(sniff(" %PDF-1.4", 9));
    assert_null(sniff("%PDF", 4));
    assert_null(sniff("PK\x03\x04 truncated", 14));
    assert_null(sniff("", 0));
    assert_null(sniff(NULL, 0));
}

static void test_allowed_list(void **state)
{
    (void)state;
    size_t n = 0;
    while (cg_sniff_allowed[n] != NULL)
        n++;
    assert_int_equal(n, 11);
}

CG_TEST_MAIN(cmocka_unit_test(test_images_and_pdf), cmocka_unit_test(test_office_zips),
             cmocka_unit_test(test_refused), cmocka_unit_test(test_allowed_list))
