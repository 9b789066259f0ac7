/* The rules by which the gateway serves the web console's files (static.c):
 * which paths may name a file, which media type a file has, which files are
 * cached for good, and how a request header's list is read. Pure functions;
 * the unit test test_web_files.c calls them directly. */
#ifndef GW_WEB_FILES_H
#define GW_WEB_FILES_H

#include <stdbool.h>

/* Longest path served; the console's routes and asset names are short. */
#define GW_WEB_PATH_MAX 256

/* True if path (decoded) may name a file of the build: it starts with '/',
 * is at most GW_WEB_PATH_MAX bytes, every byte is a letter, digit, '-',
 * '_', '.', '~' or '/', no segment starts with a dot (so no "." or ".."),
 * no slash is doubled, and it does not end in '/' unless it is "/". */
bool gw_web_path_plain(const char *path);

/* True if the last segment of path ends in the extension of a type the
 * console's files have (gw_web_media_type): a file asked for by name, which
 * gets a 404 when missing rather than the console's page. Any other dot is
 * part of a page's address: an entity id such as HR-CADRE.EAST. */
bool gw_web_names_file(const char *path);

/* The Content-Type of a file by its name's extension, or NULL when the
 * console uses no such type (then the file is not served). *compressible
 * says whether a gzip twin may stand in for it. */
const char *gw_web_media_type(const char *name, bool *compressible);

/* True if the file rel (relative to the web root) is a hashed asset, whose
 * content never changes under its name. */
bool gw_web_immutable(const char *rel);

/* True if value (a request header, may be NULL) lists token among its
 * comma-separated items, ignoring case and parameters: "gzip" in
 * "br, gzip;q=0.8", "text/html" in "text/html,application/xhtml+xml". */
bool gw_header_lists(const char *value, const char *token);

#endif
