/* The audit spool's line format and file (audit_spool.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "audit_spool.h"
#include "gw_pure.h"

/* Free space a spool keeps on its disk beyond the line it writes, so the
 * gateway's own logs and the replay's reads still have room. */
#define SPOOL_DISK_SPARE (4LL * 1024 * 1024)

struct gw_audit_spool {
    int fd;
    int dir_fd;
    char *path; /* owned */
    long long size;
    long long max_bytes;
};

/* The detail with "answered_at" added: a new string (free()), or NULL. */
static char *detail_with_time(const char *detail, long long answered_ms)
{
    char at[GW_TIME_LEN];
    char *text = NULL;
    cJSON *obj = detail != NULL ? cJSON_Parse(detail) : cJSON_CreateObject();
    if (obj != NULL && cJSON_IsObject(obj) && gw_format_time_ms(answered_ms, at)) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, "answered_at");
        if (cJSON_AddStringToObject(obj, "answered_at", at) != NULL)
            text = cJSON_PrintUnformatted(obj);
    }
    cJSON_Delete(obj);
    return text;
}

char *gw_audit_spool_line(const char *const values[GW_AUDIT_NVALUES], long long answered_ms)
{
    char *line = NULL;
    char *text = NULL;
    char *detail = detail_with_time(values[GW_AUDIT_NVALUES - 1], answered_ms);
    cJSON *obj = cJSON_CreateObject();
    cJSON *arr = obj != NULL ? cJSON_AddArrayToObject(obj, "values") : NULL;
    bool ok = detail != NULL && arr != NULL && cJSON_AddNumberToObject(obj, "v", 1) != NULL;
    for (int k = 0; ok && k < GW_AUDIT_NVALUES; k++) {
        const char *v = k == GW_AUDIT_NVALUES - 1 ? detail : values[k];
        cJSON *item = v != NULL ? cJSON_CreateString(v) : cJSON_CreateNull();
        ok = item != NULL && cJSON_AddItemToArray(arr, item);
        if (!ok)
            cJSON_Delete(item);
    }
    if (ok)
        text = cJSON_PrintUnformatted(obj);
    if (text != NULL) {
        /* cJSON escapes every control character, so the line has no
         * newline of its own. */
        size_t len = strlen(text);
        line = malloc(len + 2);
        if (line != NULL) {
            memcpy(line, text, len);
            line[len] = '\n';
            line[len + 1] = '\0';
        }
    }
    cJSON_free(text);
    cJSON_Delete(obj);
    free(detail);
    return line;
}

void gw_audit_spooled_clear(gw_audit_spooled *rec)
{
    for (int k = 0; k < GW_AUDIT_NVALUES; k++) {
        free(rec->values[k]);
        rec->values[k] = NULL;
    }
    free(rec->line);
    rec->line = NULL;
    rec->bad = false;
}

cg_code gw_audit_spool_parse(const char *line, gw_audit_spooled *out, cg_err *err)
{
    cg_code rc = CG_OK;
    cJSON *obj = cJSON_Parse(line);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, "values");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "v");

    memset(out, 0, sizeof(*out));
    if (!cJSON_IsNumber(v) || v->valueint != 1 || !cJSON_IsArray(arr) ||
        cJSON_GetArraySize(arr) != GW_AUDIT_NVALUES) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "not an audit spool line");
        goto cleanup;
    }
    for (int k = 0; k < GW_AUDIT_NVALUES; k++) {
        const cJSON *item = cJSON_GetArrayItem(arr, k);
        if (cJSON_IsNull(item))
            continue;
        if (!cJSON_IsString(item)) {
            rc = cg_err_set(err, CG_INVALID_ARGUMENT, "audit spool line: value %d is no string", k);
            goto cleanup;
        }
        out->values[k] = strdup(item->valuestring);
        if (out->values[k] == NULL) {
            rc = cg_err_set(err, CG_INTERNAL, "out of memory");
            goto cleanup;
        }
    }

cleanup:
    if (rc != CG_OK)
        gw_audit_spooled_clear(out);
    cJSON_Delete(obj);
    return rc;
}

/* Cut the file back to its last newline: a line without one was being
 * written when the gateway stopped, before its fsync returned, so its
 * answer never left. */
static cg_code drop_partial_line(gw_audit_spool *spool, cg_err *err)
{
    char c;
    long long end = spool->size;
    while (end > 0) {
        if (pread(spool->fd, &c, 1, (off_t)(end - 1)) != 1)
            return cg_err_set(err, CG_UNAVAILABLE, "cannot read %s: %s", spool->path,
                              strerror(errno));
        if (c == '\n')
            break;
        end--;
    }
    if (end == spool->size)
        return CG_OK;
    if (ftruncate(spool->fd, (off_t)end) != 0 || fsync(spool->fd) != 0)
        return cg_err_set(err, CG_UNAVAILABLE, "cannot cut %s: %s", spool->path, strerror(errno));
    spool->size = end;
    return CG_OK;
}

cg_code gw_audit_spool_open(gw_audit_spool **out, const char *dir, long long max_bytes, cg_err *err)
{
    cg_code rc = CG_OK;
    struct stat st;
    gw_audit_spool *spool = calloc(1, sizeof(*spool));

    *out = NULL;
    if (spool == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    spool->fd = -1;
    spool->dir_fd = -1;
    spool->max_bytes = max_bytes;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION, "cannot create the audit spool folder %s: %s",
                        dir, strerror(errno));
        goto cleanup;
    }
    size_t len = strlen(dir) + sizeof("/" GW_AUDIT_SPOOL_FILE);
    spool->path = malloc(len);
    if (spool->path == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    snprintf(spool->path, len, "%s/" GW_AUDIT_SPOOL_FILE, dir);
    spool->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    spool->fd = open(spool->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (spool->dir_fd < 0 || spool->fd < 0 || fstat(spool->fd, &st) != 0) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION, "cannot open the audit spool %s: %s",
                        spool->path, strerror(errno));
        goto cleanup;
    }
    /* The file's name is durable before any record relies on it. */
    if (fsync(spool->dir_fd) != 0) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION, "cannot sync %s: %s", dir, strerror(errno));
        goto cleanup;
    }
    spool->size = (long long)st.st_size;
    /* A line a crash cut short: its answer never left. */
    rc = drop_partial_line(spool, err);
    if (rc == CG_OK) {
        *out = spool;
        spool = NULL;
    }

cleanup:
    gw_audit_spool_close(spool);
    return rc;
}

void gw_audit_spool_close(gw_audit_spool *spool)
{
    if (spool == NULL)
        return;
    if (spool->fd >= 0)
        close(spool->fd);
    if (spool->dir_fd >= 0)
        close(spool->dir_fd);
    free(spool->path);
    free(spool);
}

long long gw_audit_spool_size(const gw_audit_spool *spool)
{
    return spool->size;
}

cg_code gw_audit_spool_append(gw_audit_spool *spool, const char *text, size_t len, cg_err *err)
{
    size_t done = 0;
    int e = 0;
    if (spool->max_bytes > 0 && spool->size + (long long)len > spool->max_bytes)
        return cg_err_set(err, CG_RESOURCE_EXHAUSTED, "the audit spool is full (%lld bytes)",
                          spool->size);
    while (done < len && e == 0) {
        ssize_t w = write(spool->fd, text + done, len - done);
        if (w > 0)
            done += (size_t)w;
        else if (w < 0 && errno != EINTR)
            e = errno;
        else if (w == 0)
            e = ENOSPC;
    }
    if (e == 0 && fsync(spool->fd) != 0)
        e = errno;
    if (e == 0) {
        spool->size += (long long)len;
        return CG_OK;
    }
    /* All or nothing: a half line would stop every replay after it. */
    if (ftruncate(spool->fd, (off_t)spool->size) == 0)
        (void)fsync(spool->fd);
    return cg_err_set(err, e == ENOSPC || e == EDQUOT ? CG_RESOURCE_EXHAUSTED : CG_UNAVAILABLE,
                      "cannot write the audit spool %s: %s", spool->path, strerror(e));
}

cg_code gw_audit_spool_read(gw_audit_spool *spool, long long offset, gw_audit_spooled *recs,
                            int max, int *n, long long *next, cg_err *err)
{
    cg_code rc = CG_OK;
    FILE *f = NULL;
    char *line = NULL;
    size_t cap = 0;
    int fd = -1;

    *n = 0;
    *next = offset;
    fd = dup(spool->fd);
    f = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (f == NULL || fseeko(f, (off_t)offset, SEEK_SET) != 0) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "cannot read %s: %s", spool->path, strerror(errno));
        goto cleanup;
    }
    fd = -1; /* the stream owns it */
    while (*n < max && *next < spool->size) {
        ssize_t len = getline(&line, &cap, f);
        if (len <= 0 || line[len - 1] != '\n') {
            rc = cg_err_set(err, CG_UNAVAILABLE, "cannot read %s at %lld", spool->path, *next);
            goto cleanup;
        }
        line[len - 1] = '\0';
        cg_err parse_err;
        cg_err_clear(&parse_err);
        if (gw_audit_spool_parse(line, &recs[*n], &parse_err) != CG_OK)
            recs[*n].bad = true;
        recs[*n].line = strdup(line);
        (*n)++;
        if (recs[*n - 1].line == NULL) {
            rc = cg_err_set(err, CG_INTERNAL, "out of memory");
            goto cleanup;
        }
        *next += (long long)len;
    }

cleanup:
    if (rc != CG_OK) {
        for (int i = 0; i < *n; i++)
            gw_audit_spooled_clear(&recs[i]);
        *n = 0;
        *next = offset;
    }
    free(line);
    if (f != NULL)
        fclose(f);
    if (fd >= 0)
        close(fd);
    return rc;
}

cg_code gw_audit_spool_reject(gw_audit_spool *spool, const char *line, cg_err *err)
{
    cg_code rc = CG_OK;
    size_t dir_len = strlen(spool->path) - strlen(GW_AUDIT_SPOOL_FILE);
    size_t size = dir_len + sizeof(GW_AUDIT_SPOOL_REJECTED);
    char *path = malloc(size);
    int fd = -1;
    if (path == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    snprintf(path, size, "%.*s%s", (int)dir_len, spool->path, GW_AUDIT_SPOOL_REJECTED);
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    size_t len = strlen(line);
    if (fd < 0 || write(fd, line, len) != (ssize_t)len || write(fd, "\n", 1) != 1 ||
        fsync(fd) != 0 || fsync(spool->dir_fd) != 0)
        rc = cg_err_set(err, CG_UNAVAILABLE, "cannot write %s: %s", path, strerror(errno));

cleanup:
    if (fd >= 0)
        close(fd);
    free(path);
    return rc;
}

cg_code gw_audit_spool_clear(gw_audit_spool *spool, cg_err *err)
{
    if (ftruncate(spool->fd, 0) != 0 || fsync(spool->fd) != 0)
        return cg_err_set(err, CG_UNAVAILABLE, "cannot empty %s: %s", spool->path, strerror(errno));
    spool->size = 0;
    return CG_OK;
}

bool gw_audit_spool_has_room(const gw_audit_spool *spool, size_t bytes)
{
    struct statvfs vfs;
    if (spool->max_bytes > 0 && spool->size + (long long)bytes > spool->max_bytes)
        return false;
    if (fstatvfs(spool->fd, &vfs) != 0)
        return false;
    return (long long)vfs.f_bavail * (long long)vfs.f_frsize >= (long long)bytes + SPOOL_DISK_SPARE;
}
