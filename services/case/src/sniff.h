/* Which kind of document a content is, from its bytes alone.
 *
 * A document's name and the Content-Type its uploader claims are not
 * trusted: a forged extension would otherwise let any file through. The
 * type is read from the content's magic bytes, and only the types in the
 * explicit list below are accepted (docs/dossier.md). Pure: no database, no
 * NATS. */
#ifndef CASE_SNIFF_H
#define CASE_SNIFF_H

#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"

/* The media types a document may have; static strings. */
#define CASE_MIME_PDF "application/pdf"
#define CASE_MIME_PNG "image/png"
#define CASE_MIME_JPEG "image/jpeg"
#define CASE_MIME_GIF "image/gif"
#define CASE_MIME_WEBP "image/webp"
#define CASE_MIME_TIFF "image/tiff"
#define CASE_MIME_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define CASE_MIME_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define CASE_MIME_PPTX "application/vnd.openxmlformats-officedocument.presentationml.presentation"
/* Legacy Word, Excel and PowerPoint files share one container (OLE2
 * compound file); which of them it holds is not told apart. */
#define CASE_MIME_OLE2 "application/vnd.ms-office"
/* Open Fixed-layout Document (GB/T 33190), the Chinese PDF counterpart. */
#define CASE_MIME_OFD "application/ofd"

/* The type of the len bytes at data (borrowed). On CG_OK *mime is one of the
 * CASE_MIME_ strings (static storage). INVALID_ARGUMENT, with a violation on
 * "content", when the content is empty or none of the accepted types. */
cg_code case_sniff_type(const uint8_t *data, size_t len, const char **mime, cg_err *err);

/* A NULL-terminated list of every accepted type, for docs and messages. */
extern const char *const case_sniff_allowed[];

#endif
