/* cg-dossier-verify ARCHIVE: check an exported electronic dossier (电子档案)
 * offline, with no database and no network.
 *
 * It recomputes every entry's hash from the entry's content with the
 * dossier's canonical encoding (cg/dossier.h, docs/dossier.md), the same
 * for every service's files, checks that each entry
 * links to the one before it, and checks every document's SHA-256 and size
 * against the manifest. It prints OK, or names the first entry or document
 * that does not match.
 *
 * Exit status: 0 the archive is whole; 1 something does not match (named on
 * stdout); 2 it could not be checked at all (usage, unreadable file, not an
 * archive, no manifest). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>

#include "cg/dossier_archive.h"

/* An archive holds documents of at most a service's largest document (the
 * case service's CG_CASE_DOCUMENT_MAX_BYTES is at most 1 GiB,
 * docs/configuration.md) and is read whole into memory. */
#define MAX_ARCHIVE ((size_t)8 << 30)
#define MAX_FILE ((size_t)1 << 30)
#define MAX_FILES 100000

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Read the whole file at path into *out (owned by the caller, free()). */
static int read_file(const char *path, uint8_t **out, size_t *len)
{
    int rc = 2;
    FILE *f = fopen(path, "rb");
    struct stat st;
    uint8_t *buf = NULL;

    *out = NULL;
    if (f == NULL || fstat(fileno(f), &st) != 0) {
        fprintf(stderr, "cg-dossier-verify: cannot read %s: %s\n", path, strerror(errno));
        goto cleanup;
    }
    if (!S_ISREG(st.st_mode) || (size_t)st.st_size > MAX_ARCHIVE) {
        fprintf(stderr, "cg-dossier-verify: %s is not a regular file of at most %zu bytes\n", path,
                MAX_ARCHIVE);
        goto cleanup;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        fprintf(stderr, "cg-dossier-verify: cannot read %s\n", path);
        goto cleanup;
    }
    *out = buf;
    *len = (size_t)st.st_size;
    buf = NULL;
    rc = 0;

cleanup:
    free(buf);
    if (f != NULL)
        fclose(f);
    return rc;
}

int main(int argc, char **argv)
{
    int status = 2;
    uint8_t *data = NULL;
    size_t len = 0;
    cg_archive archive = {0};
    cg_dossier_verify_result result;
    cg_err err;

    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: cg-dossier-verify ARCHIVE\n"
                        "Checks an exported dossier archive offline: exit 0 whole, 1 a "
                        "mismatch (named), 2 not checkable.\n");
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "cg-dossier-verify: libsodium did not initialise\n");
        return 2;
    }
    cg_err_clear(&err);
    if (read_file(argv[1], &data, &len) != 0)
        goto cleanup;
    if (cg_archive_read(data, len, MAX_FILE, MAX_FILES, &archive, &err) != CG_OK ||
        cg_dossier_verify_archive(&archive, cg_dossier_manifest_entry_hash, GENESIS, &result,
                                  &err) != CG_OK) {
        fprintf(stderr, "cg-dossier-verify: %s: %s\n", argv[1], err.message);
        goto cleanup;
    }
    if (result.ok) {
        printf("OK %s: %lld entries, the last with hash %s; %zu documents\n", argv[1],
               (long long)result.nentries, result.last_hash[0] ? result.last_hash : "(none)",
               result.ndocuments);
        status = 0;
    } else {
        printf("MISMATCH %s: %s\n", argv[1], result.what);
        status = 1;
    }

cleanup:
    cg_archive_free(&archive);
    free(data);
    return status;
}
