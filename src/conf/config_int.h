/*
 * The configuration parser's own parts, shared by config.c (the lexer,
 * global rules, loading), config_parse.c (sites, devices, links, macros,
 * includes), config_incident.c (incidents, SLAs, notifications) and
 * config_check.c (the whole model checked once parsed).
 */
#ifndef NOCWATCH_CONFIG_INT_H
#define NOCWATCH_CONFIG_INT_H

#include <sys/types.h>

#include "config.h"

#define MAX_INCLUDE_DEPTH	8
#define MAX_FILE_SIZE		(4 * 1024 * 1024)
#define MAX_TOKEN		1024

enum tok { T_EOF = 0, T_WORD, T_STRING, T_LBRACE, T_RBRACE, T_EQ, T_ERROR };

struct src {
	const char	*file;		/* owned by config->files */
	char		*buf;
	size_t		 len, pos;
	int		 line;
	mode_t		 mode;
	int		 told_secret;	/* "readable by everyone" said once */
};

struct macro {
	char	*name;
	char	*value;
};

struct parser {
	struct config	*conf;
	struct src	 stack[MAX_INCLUDE_DEPTH];
	int		 depth;		/* -1: nothing open */
	struct macro	*macros;
	size_t		 nmacros;
	enum tok	 tok;
	char		 text[MAX_TOKEN];
	const char	*tfile;		/* where the current token is */
	int		 tline;
	int		 peeked;
	struct check_conf defaults;
};

void	 cf_error(struct parser *, const char *, int, const char *, ...)
	    __attribute__((format(printf, 4, 5)));
/* An error at the current token. */
#define ERR(p, ...)	cf_error(p, (p)->tfile, (p)->tline, __VA_ARGS__)

void	 cf_config_validate(struct parser *p);
void	 cf_defaults_rule(struct parser *p);
void	 cf_device_body(struct parser *p, struct device_conf *d);
int	 cf_duration(struct parser *p, const char *what, double min,
	    double max, double *out);
int	 cf_expect_lbrace(struct parser *p, const char *what);
void	 cf_incident_defaults(struct incident_conf *ic);
int	 cf_incident_rule(struct parser *p, const char *kw);
void	 cf_include_rule(struct parser *p);
int	 cf_integer(struct parser *p, const char *what, long long min,
	    long long max, int *out);
void	 cf_link_body(struct parser *p, struct link_conf *l);
const char	*cf_macro_get(struct parser *p, const char *name);
void	 cf_macro_rule(struct parser *p, const char *name);
enum tok	 cf_next(struct parser *p);
void	 cf_notifies_free(struct notify_conf *n, size_t count);
char	*cf_object_name(struct parser *p, const char *what);
int	 cf_priority_rule(struct parser *p, int *prio);
void	 cf_resync(struct parser *p, int depth);
void	 cf_site_body(struct parser *p, struct site_conf *s);
int	 cf_snmp_option(struct parser *p, struct device_conf *d);
int	 cf_src_push(struct parser *p, const char *path, const char *from,
	    int fline);
void	 cf_unget(struct parser *p);
char	*cf_value(struct parser *p, const char *what);

#endif
