/* cg-dossier-verify [--key-file FILE]... ARCHIVE: check an exported
 * electronic dossier (电子档案) offline, with no database and no network.
 *
 * It recomputes every entry's hash from the entry's content with the
 * dossier's canonical encoding (cg/dossier.h, docs/dossier.md), the same
 * for every service's files, checks that each entry
 * links to the one before it, and checks every document's SHA-256 and size
 * against the manifest. It prints OK, or names the first entry or document
 * that does not match.
 *
 * A keyed entry (one with a key_id) was hashed with HMAC-SHA256 under the
 * service's dossier key (CG_DOSSIER_KEY); its hash can only be recomputed
 * with that key, given in a file of 64 hex digits with --key-file (once
 * per key: the current one and any older ones the file was written with).
 * Without it, the links and everything else are still checked.
 *
 * Exit status: 0 the archive is whole; 1 something does not match (named on
 * stdout); 2 it could not be checked at all (usage, unreadable file, not an
 * archive, no manifest); 3 whole as far as it was checked, but keyed
 * entries were not checked for want of their key. */
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

/* Read the keys of the --key-file options into ring: the first as the
 * current one, the others as old ones. 0, or 2 with a message. */
static int read_keys(char **files, int n, cg_chain_keyring *ring)
{
    char hex[CG_CHAIN_KEYS_MAX + 1][2 * CG_CHAIN_KEY_BYTES + 2];
    char old[(CG_CHAIN_KEYS_MAX + 1) * (2 * CG_CHAIN_KEY_BYTES + 1) + 1] = "";
    cg_err err;
    int rc = 2;
    if (n > CG_CHAIN_KEYS_MAX + 1) {
        fprintf(stderr, "cg-dossier-verify: at most %d keys\n", CG_CHAIN_KEYS_MAX + 1);
        goto cleanup;
    }
    for (int i = 0; i < n; i++) {
        FILE *f = fopen(files[i], "r");
        size_t got = f != NULL ? fread(hex[i], 1, sizeof hex[i] - 1, f) : 0;
        if (f != NULL)
            fclose(f);
        hex[i][got] = '\0';
        hex[i][strcspn(hex[i], "\r\n")] = '\0';
        if (i > 1)
            strcat(old, ",");
        if (i > 0)
            strcat(old, hex[i]);
    }
    cg_err_clear(&err);
    if (cg_chain_keyring_load(ring, "--key-file", hex[0], old, &err) != CG_OK) {
        fprintf(stderr, "cg-dossier-verify: %s\n", err.message);
        goto cleanup;
    }
    rc = 0;

cleanup:
    sodium_memzero(hex, sizeof hex);
    sodium_memzero(old, sizeof old);
    return rc;
}

int main(int argc, char **argv)
{
    int status = 2;
    uint8_t *data = NULL;
    size_t len = 0;
    cg_archive archive = {0};
    cg_dossier_verify_result result;
    cg_chain_keyring ring = {0};
    char *key_files[CG_CHAIN_KEYS_MAX + 2];
    int nkeys = 0;
    const char *path = NULL;
    cg_err err;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--key-file") == 0 && i + 1 < argc && nkeys < CG_CHAIN_KEYS_MAX + 2)
            key_files[nkeys++] = argv[++i];
        else if (argv[i][0] != '-' && path == NULL)
            path = argv[i];
        else
            path = NULL, i = argc; /* anything else is a usage error */
    }
    if (path == NULL) {
        fprintf(stderr, "usage: cg-dossier-verify [--key-file FILE]... ARCHIVE\n"
                        "Checks an exported dossier archive offline: exit 0 whole, 1 a "
                        "mismatch (named), 2 not checkable, 3 keyed entries unchecked (no "
                        "key).\n");
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "cg-dossier-verify: libsodium did not initialise\n");
        return 2;
    }
    if (nkeys > 0 && read_keys(key_files, nkeys, &ring) != 0)
        goto cleanup;
    cg_err_clear(&err);
    if (read_file(path, &data, &len) != 0)
        goto cleanup;
    if (cg_archive_read(data, len, MAX_FILE, MAX_FILES, &archive, &err) != CG_OK ||
        cg_dossier_verify_archive(&archive, cg_dossier_manifest_entry_hash, GENESIS,
                                  nkeys > 0 ? &ring : NULL, &result, &err) != CG_OK) {
        fprintf(stderr, "cg-dossier-verify: %s: %s\n", path, err.message);
        goto cleanup;
    }
    if (result.ok && result.unchecked > 0) {
        printf("UNCHECKED %s: %lld keyed entries (key id %s) not checked: give their key with "
               "--key-file; the rest is whole, %lld entries, the last with hash %s; %zu "
               "documents\n",
               path, (long long)result.unchecked, result.unchecked_key_id,
               (long long)result.nentries, result.last_hash, result.ndocuments);
        status = 3;
    } else if (result.ok) {
        printf("OK %s: %lld entries, the last with hash %s; %zu documents\n", path,
               (long long)result.nentries, result.last_hash[0] ? result.last_hash : "(none)",
               result.ndocuments);
        status = 0;
    } else {
        printf("MISMATCH %s: %s\n", path, result.what);
        status = 1;
    }

cleanup:
    cg_chain_keyring_wipe(&ring);
    cg_archive_free(&archive);
    free(data);
    return status;
}
