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
/*
 * Copy a label (a name, an ack's "by") into a fixed buffer as valid UTF-8:
 * cut only between characters, an invalid byte becomes '?', a control
 * character a space.  Always NUL-terminated; returns dst.
 */
char	*str_utf8_copy(char *dst, size_t dstlen, const char *src);
/*
 * strlcpy: src (NULL: "") into dst, cut to fit, always NUL-terminated;
 * what snprintf(dst, len, "%s", src) does, without parsing a format on
 * the paths every check result takes.
 */
void	 str_copy(char *dst, size_t dstlen, const char *src);
/* Bytes of the UTF-8 character at s (1..4), or 0 if it is not valid. */
size_t	 str_utf8_len(const unsigned char *s);

#endif
