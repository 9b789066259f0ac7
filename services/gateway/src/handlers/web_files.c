/* The web console's file rules (web_files.h). */
#include <string.h>
#include <strings.h>

#include "web_files.h"

static const struct {
    const char *ext;
    const char *type;
    bool compressible;
} media_types[] = {
    {".html", "text/html; charset=utf-8", true},
    {".js", "text/javascript; charset=utf-8", true},
    {".mjs", "text/javascript; charset=utf-8", true},
    {".css", "text/css; charset=utf-8", true},
    {".json", "application/json", true},
    {".map", "application/json", true},
    {".svg", "image/svg+xml", true},
    {".txt", "text/plain; charset=utf-8", true},
    {".webmanifest", "application/manifest+json", true},
    {".png", "image/png", false},
    {".ico", "image/x-icon", false},
    {".woff2", "font/woff2", false},
    {".woff", "font/woff", false},
};

bool gw_web_path_plain(const char *path)
{
    size_t n = path != NULL ? strlen(path) : 0;
    if (n == 0 || n > GW_WEB_PATH_MAX || path[0] != '/')
        return false;
    /* The console's own routes never end in a slash; "/" is the one. */
    if (n > 1 && path[n - 1] == '/')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = path[i];
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '_' || c == '.' || c == '~' || c == '/';
        if (!plain)
            return false;
        if (c == '/' && (path[i + 1] == '/' || path[i + 1] == '.'))
            return false;
    }
    return true;
}

bool gw_web_names_file(const char *path)
{
    const char *last = strrchr(path, '/');
    bool compressible;
    return gw_web_media_type(last != NULL ? last + 1 : path, &compressible) != NULL;
}

const char *gw_web_media_type(const char *name, bool *compressible)
{
    const char *dot = strrchr(name, '.');
    *compressible = false;
    if (dot == NULL || strchr(dot, '/') != NULL)
        return NULL;
    for (size_t i = 0; i < sizeof(media_types) / sizeof(media_types[0]); i++) {
        if (strcmp(dot, media_types[i].ext) == 0) {
            *compressible = media_types[i].compressible;
            return media_types[i].type;
        }
    }
    return NULL;
}

bool gw_web_immutable(const char *rel)
{
    /* Vite writes every hashed file, and only those, under assets/. */
    return strncmp(rel, "assets/", 7) == 0;
}

bool gw_header_lists(const char *value, const char *token)
{
    size_t len = strlen(token);
    const char *v = value;
    while (v != NULL && *v != '\0') {
        v += strspn(v, " \t,");
        if (strncasecmp(v, token, len) == 0 && (v[len] == '\0' || strchr(" \t;,", v[len]) != NULL))
            return true;
        v = strchr(v, ',');
    }
    return false;
}
