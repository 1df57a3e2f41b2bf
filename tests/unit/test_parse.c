/* Bounded parsers, thresholds, escaping and target lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "escape.h"
#include "parse.h"
#include "targets.h"
#include "threshold.h"
#include "unit.h"

static void
test_numbers(void)
{
	char err[128];
	long long v;
	double ms;
	int port;

	CHECK(parse_int("42", 1, 100, &v, err, sizeof(err)) == 0 && v == 42, "int ok");
	CHECK(parse_int("0", 1, 100, &v, err, sizeof(err)) == -1 &&
	    strstr(err, "out of range (1..100)") != NULL, "int below range says so");
	CHECK(parse_int("12x", 1, 100, &v, err, sizeof(err)) == -1, "int junk");
	CHECK(parse_int("", 1, 100, &v, err, sizeof(err)) == -1, "int empty");
	CHECK(parse_int(" 5", 1, 100, &v, err, sizeof(err)) == -1, "int leading space");
	CHECK(parse_int("99999999999999999999", 1, 100, &v, err, sizeof(err)) == -1,
	    "int overflow");
	CHECK(parse_duration("250ms", 1, 1, 1e6, &ms, err, sizeof(err)) == 0 &&
	    ms == 250, "250ms");
	CHECK(parse_duration("1.5s", 1, 1, 1e6, &ms, err, sizeof(err)) == 0 &&
	    ms == 1500, "1.5s");
	CHECK(parse_duration("2", 1000, 1, 1e6, &ms, err, sizeof(err)) == 0 &&
	    ms == 2000, "bare number in the default unit");
	CHECK(parse_duration("1m", 1, 1, 1e6, &ms, err, sizeof(err)) == 0 &&
	    ms == 60000, "1m");
	CHECK(parse_duration("2x", 1, 1, 1e6, &ms, err, sizeof(err)) == -1 &&
	    strstr(err, "unknown unit") != NULL, "unknown unit");
	CHECK(parse_duration("-1s", 1, 0, 1e6, &ms, err, sizeof(err)) == -1, "negative");
	CHECK(parse_duration("nan", 1, 0, 1e6, &ms, err, sizeof(err)) == -1, "nan");
	CHECK(parse_duration("0", 1, 1, 1e6, &ms, err, sizeof(err)) == -1, "below min");
	CHECK(parse_port("161", &port, err, sizeof(err)) == 0 && port == 161, "port");
	CHECK(parse_port("65536", &port, err, sizeof(err)) == -1, "port too big");
	CHECK(parse_port("0", &port, err, sizeof(err)) == -1, "port zero");
}

static void
test_hostport(void)
{
	char err[128], host[64];
	int port;

	CHECK(parse_hostport("198.51.100.1:161", host, sizeof(host), &port, 0,
	    err, sizeof(err)) == 0 && strcmp(host, "198.51.100.1") == 0 &&
	    port == 161, "v4:port");
	CHECK(parse_hostport("[2001:db8::1]:8080", host, sizeof(host), &port, 0,
	    err, sizeof(err)) == 0 && strcmp(host, "2001:db8::1") == 0 &&
	    port == 8080, "[v6]:port");
	CHECK(parse_hostport("2001:db8::1", host, sizeof(host), &port, 53,
	    err, sizeof(err)) == 0 && strcmp(host, "2001:db8::1") == 0 &&
	    port == 53, "bare v6 keeps the default port");
	CHECK(parse_hostport("router", host, sizeof(host), &port, 161,
	    err, sizeof(err)) == 0 && port == 161, "name keeps the default port");
	CHECK(parse_hostport("[::1", host, sizeof(host), &port, 0, err,
	    sizeof(err)) == -1, "missing ]");
	CHECK(parse_hostport("h:70000", host, sizeof(host), &port, 0, err,
	    sizeof(err)) == -1, "port out of range");
	CHECK(parse_hostport(":80", host, sizeof(host), &port, 0, err,
	    sizeof(err)) == -1, "empty host");
}

static void
test_thresholds(void)
{
	struct threshold t;
	char err[128];

	CHECK(threshold_parse("100ms,20%", &t, err, sizeof(err)) == 0 &&
	    t.has_time && t.time_ms == 100 && t.has_pct && t.pct == 20,
	    "time and loss");
	CHECK(threshold_parse("60%", &t, err, sizeof(err)) == 0 && !t.has_time &&
	    t.pct == 60, "loss only");
	CHECK(threshold_parse("1s", &t, err, sizeof(err)) == 0 &&
	    t.time_ms == 1000 && !t.has_pct, "time only");
	CHECK(threshold_parse("101%", &t, err, sizeof(err)) == -1, "over 100%");
	CHECK(threshold_parse("1,2,3", &t, err, sizeof(err)) == -1, "three parts");
	CHECK(threshold_parse("", &t, err, sizeof(err)) == -1, "empty");
	threshold_parse("100ms,20%", &t, err, sizeof(err));
	CHECK(threshold_exceeded(&t, 150, 0), "time over");
	CHECK(threshold_exceeded(&t, 50, 25), "loss over");
	CHECK(!threshold_exceeded(&t, 100, 20), "at the limit is not over");
	CHECK(!threshold_exceeded(&t, -1, -1), "not measured is not over");
}

static void
test_escape(void)
{
	char out[64];
	const char hostile[] = "<script>alert(1)</script>\x1b[2J\r\n\\\xff";
	long n;

	str_escape(out, sizeof(out), hostile, sizeof(hostile) - 1);
	CHECK(strcmp(out, "<script>alert(1)</script>\\x1b[2J\\x0d\\x0a\\\\\\xff")
	    == 0, "control characters, backslash and non-ASCII escaped");
	str_escape(out, 10, "abcdefghijklmnop", 16);
	CHECK(strlen(out) <= 9 && strstr(out, "...") != NULL, "truncated with ...");
	str_escape(out, 8, "\x01\x02\x03\x04", 4);
	CHECK(strlen(out) < 8, "never over the buffer");
	n = str_unescape(out, sizeof(out), "GET / HTTP/1.0\\r\\n\\x41");
	CHECK(n == 17 && memcmp(out, "GET / HTTP/1.0\r\nA", 17) == 0, "unescape");
	CHECK(str_unescape(out, sizeof(out), "\\q") == -1, "bad escape");
	CHECK(str_unescape(out, sizeof(out), "\\x4") == -1, "short hex escape");
	CHECK(str_unescape(out, 4, "abcd") == -1, "unescape overflow");
}

static void
test_utf8_copy(void)
{
	char out[64], e40[81];
	json_t *j = NULL;
	int i;

	for (i = 0; i < 40; i++)
		memcpy(e40 + 2 * i, "\xc3\xa9", 2);	/* 40 x "é", 80 bytes */
	e40[80] = '\0';
	str_utf8_copy(out, sizeof(out), e40);
	CHECK(strlen(out) == 62 && (j = json_string(out)) != NULL,
	    "utf8 copy: 40 x e-acute cut at 63 bytes on a character (31 of them)");
	json_decref(j);
	str_utf8_copy(out, sizeof(out), "al\nice\x1b[2J");
	CHECK(strcmp(out, "al ice [2J") == 0,
	    "utf8 copy: control characters become spaces (no forged log line)");
	str_utf8_copy(out, sizeof(out), "a\xff\xc3" "b\xed\xa0\x80\xf4\x90\x80\x80" "c");
	j = json_string(out);
	CHECK(strcmp(out, "a??b???????c") == 0 && j != NULL,
	    "utf8 copy: invalid, surrogate and out-of-range bytes become '?'");
	json_decref(j);
	str_utf8_copy(out, 3, "\xe2\x82\xac");	/* the euro sign needs 3 + NUL */
	CHECK(out[0] == '\0', "utf8 copy: a character that does not fit is left out");
}

static void
test_targets(void)
{
	char path[] = "/tmp/nocwatch-targets.XXXXXX", err[256];
	struct targets t = { 0 };
	FILE *f;
	int fd = mkstemp(path);

	f = fdopen(fd, "w");
	fprintf(f, "# estate\n198.51.100.1\n  203.0.113.2  # core\n\n");
	fclose(f);
	CHECK(targets_load(&t, path, err, sizeof(err)) == 0 && t.n == 2 &&
	    strcmp(t.v[1], "203.0.113.2") == 0, "targets file with comments");
	f = fopen(path, "w");
	fprintf(f, "ok\nbad target\n");
	fclose(f);
	CHECK(targets_load(&t, path, err, sizeof(err)) == -1 &&
	    strstr(err, ":2:") != NULL, "bad line named with its number");
	targets_free(&t);
	unlink(path);
	CHECK(targets_load(&t, "/nonexistent/x", err, sizeof(err)) == -1,
	    "missing file");
}

int
main(void)
{
	test_numbers();
	test_hostport();
	test_thresholds();
	test_escape();
	test_utf8_copy();
	test_targets();
	return unit_done();
}
