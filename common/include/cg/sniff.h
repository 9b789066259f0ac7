/* Which kind of document a content is, from its bytes alone.
 *
 * A document's name and the Content-Type its uploader claims are not
 * trusted: a forged extension would otherwise let any file through. The
 * type is read from the content's magic bytes, and only the types in the
 * explicit list below are accepted (docs/dossier.md). Pure: no database, no
 * NATS. */
#ifndef CG_SNIFF_H
#define CG_SNIFF_H

#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"

/* The media types a document may have; static strings. */
#define CG_MIME_PDF "application/pdf"
#define CG_MIME_PNG "image/png"
#define CG_MIME_JPEG "image/jpeg"
#define CG_MIME_GIF "image/gif"
#define CG_MIME_WEBP "image/webp"
#define CG_MIME_TIFF "image/tiff"
#define CG_MIME_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define CG_MIME_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define CG_MIME_PPTX "application/vnd.openxmlformats-officedocument.presentationml.presentation"
/* Legacy Word, Excel and PowerPoint files share one container (OLE2
 * compound file); which of them it holds is not told apart. */
#define CG_MIME_OLE2 "application/vnd.ms-office"
/* Open Fixed-layout Document (GB/T 33190), the Chinese PDF counterpart. */
#define CG_MIME_OFD "application/ofd"

/* The type of the len bytes at data (borrowed). On CG_OK *mime is one of the
 * CG_MIME_ strings (static storage). INVALID_ARGUMENT, with a violation on
 * "content", when the content is empty or none of the accepted types. */
cg_code cg_sniff_type(const uint8_t *data, size_t len, const char **mime, cg_err *err);

/* A NULL-terminated list of every accepted type, for docs and messages. */
extern const char *const cg_sniff_allowed[];

#endif
