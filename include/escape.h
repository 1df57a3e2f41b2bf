/*
 * Escaping untrusted strings (device names, banners, trap values) for
 * display: printable ASCII is kept, backslash becomes "\\", everything else
 * "\xNN".  The output is always NUL-terminated and never longer than dstlen.
 */
#ifndef NOCWATCH_ESCAPE_H
#define NOCWATCH_ESCAPE_H

#include <stddef.h>

/* Escape srclen bytes of src; returns dst.  Truncates with "...". */
char	*str_escape(char *dst, size_t dstlen, const void *src, size_t srclen);
/*
 * Decode C-style escapes (\r \n \t \\ \xNN) of a command-line string into
 * dst; returns the decoded length, or -1 on a bad escape or overflow.
 */
long	str_unescape(char *dst, size_t dstlen, const char *src);

#endif
