#include "cg/sniff.h"

#include <archive.h>
#include <archive_entry.h>
#include <string.h>

const char *const cg_sniff_allowed[] = {
    CG_MIME_PDF,  CG_MIME_PNG,  CG_MIME_JPEG, CG_MIME_GIF,  CG_MIME_WEBP, CG_MIME_TIFF,
    CG_MIME_DOCX, CG_MIME_XLSX, CG_MIME_PPTX, CG_MIME_OLE2, CG_MIME_OFD,  NULL,
};

/* A zip container is looked into at most this far: an office file names its
 * parts in the first few entries, and a zip bomb gets no further. */
#define ZIP_MAX_ENTRIES 4096

static int starts_with(const uint8_t *data, size_t len, size_t off, const void *magic, size_t n)
{
    return len >= off + n && memcmp(data + off, magic, n) == 0;
}

/* What a zip container holds: an Office Open XML file ([Content_Types].xml
 * and its word/, xl/ or ppt/ part), an OFD (OFD.xml at the top), or neither.
 * Only entry names are read, never their (possibly huge) contents. */
static const char *zip_kind(const uint8_t *data, size_t len)
{
    struct archive *a = archive_read_new();
    struct archive_entry *entry = NULL;
    const char *kind = NULL;
    int content_types = 0, word = 0, xl = 0, ppt = 0, ofd = 0;

    if (a == NULL)
        return NULL;
    archive_read_support_format_zip(a);
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK)
        goto cleanup;
    for (int i = 0; i < ZIP_MAX_ENTRIES && archive_read_next_header(a, &entry) == ARCHIVE_OK; i++) {
        const char *name = archive_entry_pathname(entry);
        if (name == NULL)
            continue;
        content_types |= strcmp(name, "[Content_Types].xml") == 0;
        word |= strncmp(name, "word/", 5) == 0;
        xl |= strncmp(name, "xl/", 3) == 0;
        ppt |= strncmp(name, "ppt/", 4) == 0;
        ofd |= strcmp(name, "OFD.xml") == 0;
    }
    if (content_types && word)
        kind = CG_MIME_DOCX;
    else if (content_types && xl)
        kind = CG_MIME_XLSX;
    else if (content_types && ppt)
        kind = CG_MIME_PPTX;
    else if (ofd)
        kind = CG_MIME_OFD;

cleanup:
    archive_read_free(a);
    return kind;
}

cg_code cg_sniff_type(const uint8_t *data, size_t len, const char **mime, cg_err *err)
{
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static const uint8_t jpeg[] = {0xff, 0xd8, 0xff};
    static const uint8_t ole2[] = {0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1};
    static const uint8_t zip[] = {'P', 'K', 0x03, 0x04};
    const char *kind = NULL;

    *mime = NULL;
    if (data == NULL || len == 0) {
        cg_err_add_violation(err, "content", "is empty");
        return err->code;
    }
    if (starts_with(data, len, 0, "%PDF-", 5))
        kind = CG_MIME_PDF;
    else if (starts_with(data, len, 0, png, sizeof png))
        kind = CG_MIME_PNG;
    else if (starts_with(data, len, 0, jpeg, sizeof jpeg))
        kind = CG_MIME_JPEG;
    else if (starts_with(data, len, 0, "GIF87a", 6) || starts_with(data, len, 0, "GIF89a", 6))
        kind = CG_MIME_GIF;
    else if (starts_with(data, len, 0, "RIFF", 4) && starts_with(data, len, 8, "WEBP", 4))
        kind = CG_MIME_WEBP;
    else if (starts_with(data, len, 0, "II*\0", 4) || starts_with(data, len, 0, "MM\0*", 4))
        kind = CG_MIME_TIFF;
    else if (starts_with(data, len, 0, ole2, sizeof ole2))
        kind = CG_MIME_OLE2;
    else if (starts_with(data, len, 0, zip, sizeof zip))
        kind = zip_kind(data, len);
    if (kind == NULL) {
        /* The list is long; the message names the families, docs/ the rest. */
        cg_err_add_violation(err, "content",
                             "is not an accepted document type (PDF, OFD, PNG, JPEG, GIF, WebP, "
                             "TIFF, Word, Excel or PowerPoint)");
        return err->code;
    }
    *mime = kind;
    return CG_OK;
}
