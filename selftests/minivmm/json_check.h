/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json_check.h: checks that text is one JSON value, for the tests of
 * vmctl's --json output (the test machines have no JSON tool).
 */
#ifndef MINIVMM_JSON_CHECK_H
#define MINIVMM_JSON_CHECK_H

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

/*
 * A minimal JSON checker (RFC 8259 grammar, no semantics): returns the
 * position after one value, or NULL.  It also notes which keys it saw.
 */
struct json_seen {
	const char *keys[16];
	bool seen[16];
	int nkeys;
};

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *json_str(const char *p, struct json_seen *s, bool key)
{
	const char *start;
	int i;

	if (*p++ != '"')
		return NULL;
	start = p;
	for (; *p != '"'; p++) {
		if (!*p || (unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p) || !*p) {
				return NULL;
			}
		}
	}
	if (key)
		for (i = 0; i < s->nkeys; i++)
			if (strlen(s->keys[i]) == (size_t)(p - start) &&
			    !strncmp(s->keys[i], start, p - start))
				s->seen[i] = true;
	return p + 1;
}

static const char *json_value(const char *p, struct json_seen *s, int depth)
{
	if (depth > 32)
		return NULL;
	p = json_ws(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';

		p = json_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				p = json_str(json_ws(p), s, true);
				if (!p)
					return NULL;
				p = json_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			p = json_value(p, s, depth + 1);
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return json_str(p, s, false);
	if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (*p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return NULL;
	if (*p == '0')
		p++;
	else
		while (isdigit((unsigned char)*p))
			p++;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return p;
}

#endif /* MINIVMM_JSON_CHECK_H */
