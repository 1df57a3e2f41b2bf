#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "log.h"
#include "secret.h"

static void
chomp(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

static FILE *
secret_open(const char *file, char *err, size_t errlen)
{
	struct stat st;
	FILE *f = fopen(file, "r");

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 0004))
		log_warnx("%s is readable by everyone: secrets belong in a "
		    "file only their user can read", file);
	return f;
}

int
secret_community(const char *file, char *out, size_t outlen, char *err,
    size_t errlen)
{
	const char *env = getenv("NOCWATCH_COMMUNITY");
	FILE *f;

	if (file != NULL) {
		if ((f = secret_open(file, err, errlen)) == NULL)
			return -1;
		if (fgets(out, (int)outlen, f) == NULL) {
			snprintf(err, errlen, "%s: empty", file);
			fclose(f);
			return -1;
		}
		fclose(f);
		chomp(out);
	} else
		snprintf(out, outlen, "%s", env != NULL ? env : "public");
	if (out[0] == '\0') {
		snprintf(err, errlen, "empty community");
		return -1;
	}
	return 0;
}

int
secret_v3(const char *file, char *auth, size_t authlen, char *priv,
    size_t privlen, char *err, size_t errlen)
{
	char line[512], *p;
	FILE *f;
	unsigned lineno = 0;

	auth[0] = priv[0] = '\0';
	if (file != NULL) {
		if ((f = secret_open(file, err, errlen)) == NULL)
			return -1;
		while (fgets(line, sizeof(line), f) != NULL) {
			lineno++;
			chomp(line);
			for (p = line; isspace((unsigned char)*p); p++)
				;
			if (*p == '\0' || *p == '#')
				continue;
			if (strncmp(p, "auth ", 5) == 0)
				snprintf(auth, authlen, "%s", p + 5);
			else if (strncmp(p, "priv ", 5) == 0)
				snprintf(priv, privlen, "%s", p + 5);
			else {
				snprintf(err, errlen, "%s:%u: expected 'auth "
				    "PASSPHRASE' or 'priv PASSPHRASE'", file,
				    lineno);
				fclose(f);
				return -1;
			}
		}
		fclose(f);
	}
	if (auth[0] == '\0' && getenv("NOCWATCH_AUTH_PASS") != NULL)
		snprintf(auth, authlen, "%s", getenv("NOCWATCH_AUTH_PASS"));
	if (priv[0] == '\0' && getenv("NOCWATCH_PRIV_PASS") != NULL)
		snprintf(priv, privlen, "%s", getenv("NOCWATCH_PRIV_PASS"));
	return 0;
}

/* What the configuration keeps of an API token: "sha256:HEX". */
void
api_token_hash(const char *token, char *out, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	size_t o;

	EVP_Digest(token, strlen(token), md, &n, EVP_sha256(), NULL);
	o = (size_t)snprintf(out, len, "sha256:");
	for (i = 0; i < n && o + 2 < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%02x", md[i]);
}
