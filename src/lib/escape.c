#include <stdio.h>
#include <string.h>

#include "escape.h"

char *
str_escape(char *dst, size_t dstlen, const void *src, size_t srclen)
{
	const unsigned char *s = src;
	size_t i, o = 0;
	char tmp[5];
	size_t n;

	if (dstlen == 0)
		return dst;
	for (i = 0; i < srclen; i++) {
		if (s[i] == '\\')
			n = (size_t)snprintf(tmp, sizeof(tmp), "\\\\");
		else if (s[i] >= 0x20 && s[i] < 0x7f)
			n = (size_t)snprintf(tmp, sizeof(tmp), "%c", s[i]);
		else
			n = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02x", s[i]);
		if (o + n + 1 > dstlen) {
			if (dstlen >= 4) {
				o = o > dstlen - 4 ? dstlen - 4 : o;
				memcpy(dst + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(dst + o, tmp, n);
		o += n;
	}
	dst[o] = '\0';
	return dst;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
str_unescape(char *dst, size_t dstlen, const char *src)
{
	size_t o = 0;
	int h, l;
	char c;

	while (*src != '\0') {
		c = *src++;
		if (c == '\\') {
			switch (c = *src++) {
			case 'r': c = '\r'; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '\\': break;
			case 'x':
				if ((h = hexval(src[0])) < 0 ||
				    (l = hexval(src[1])) < 0)
					return -1;
				c = (char)(h << 4 | l);
				src += 2;
				break;
			default:
				return -1;
			}
		}
		if (o + 1 >= dstlen)
			return -1;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return (long)o;
}

size_t
str_utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* overlong, surrogates, past U+10FFFF */
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

void
str_copy(char *dst, size_t dstlen, const char *src)
{
	size_t n;

	if (dstlen == 0)
		return;
	if (src == NULL)
		src = "";
	n = strnlen(src, dstlen - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

char *
str_utf8_copy(char *dst, size_t dstlen, const char *src)
{
	const unsigned char *p = (const unsigned char *)(src ? src : "");
	size_t o = 0, n;

	if (dstlen == 0)
		return dst;
	while (*p != '\0') {
		n = str_utf8_len(p);
		if (o + (n ? n : 1) >= dstlen)
			break;
		if (n == 0) {
			dst[o++] = '?';
			p++;
		} else if (n == 1 && (*p < 0x20 || *p == 0x7f)) {
			dst[o++] = ' ';
			p++;
		} else {
			memcpy(dst + o, p, n);
			o += n;
			p += n;
		}
	}
	dst[o] = '\0';
	return dst;
}
