/* Register numbers in a list's query (number.h). */
#include "number.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* The characters a number is made of: the unit code is an ltree label. */
static int number_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '-';
}

case_number_kind case_number_pattern(const char *query, char *out, size_t size)
{
    case_number_kind kind = CASE_NUMBER_NONE;
    size_t n = 0;

    if (size == 0) {
        return CASE_NUMBER_NONE;
    }
    out[0] = '\0';
    if (query == NULL || strlen(query) < 3 || query[2] != '-') {
        return CASE_NUMBER_NONE;
    }
    if (strncasecmp(query, "XS", 2) == 0) {
        kind = CASE_NUMBER_CLUE;
    } else if (strncasecmp(query, "AJ", 2) == 0) {
        kind = CASE_NUMBER_CASE;
    } else {
        return CASE_NUMBER_NONE;
    }
    for (const char *c = query; *c != '\0'; c++) {
        /* Not a number, or not room for an escape, the character, the %
         * and the end: none, and no pattern begun. */
        if (!number_char((unsigned char)*c) || n + 4 > size) {
            out[0] = '\0';
            return CASE_NUMBER_NONE;
        }
        if (*c == '_') {
            out[n++] = '\\';
        }
        out[n++] = (char)tolower((unsigned char)*c);
    }
    out[n++] = '%';
    out[n] = '\0';
    return kind;
}
