// SPDX-License-Identifier: GPL-2.0
/*
 * json.c: the smallest JSON writer vmctl's --json output needs.  Values
 * are written as they come; the writer tracks nesting to place commas and
 * escapes strings (RFC 8259 section 7).  Numbers are unsigned integers or
 * finite doubles; nothing here allocates.
 */
#include <math.h>

#include "nl.h"

void json_init(struct json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->need_comma[0] = false;
	j->after_key = false;
}

/*
 * Before any value: a comma if a sibling came first (not after a key).
 * Top-level values are separate documents, one per line: no comma.
 */
static void json_value_start(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth && j->need_comma[j->depth])
		fputc(',', j->out);
	j->need_comma[j->depth] = true;
}

static void json_open(struct json *j, char c)
{
	json_value_start(j);
	fputc(c, j->out);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void json_close(struct json *j, char c)
{
	fputc(c, j->out);
	if (j->depth > 0)
		j->depth--;
	if (j->depth == 0)
		fputc('\n', j->out);
}

void json_begin_object(struct json *j)
{
	json_open(j, '{');
}

void json_end_object(struct json *j)
{
	json_close(j, '}');
}

void json_begin_array(struct json *j)
{
	json_open(j, '[');
}

void json_end_array(struct json *j)
{
	json_close(j, ']');
}

static void json_escaped(struct json *j, const char *s)
{
	fputc('"', j->out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(j->out, "\\%c", c);
		else if (c < 0x20)
			fprintf(j->out, "\\u%04x", c);
		else
			fputc(c, j->out);
	}
	fputc('"', j->out);
}

void json_key(struct json *j, const char *key)
{
	json_value_start(j);
	json_escaped(j, key);
	fputc(':', j->out);
	j->after_key = true;
}

void json_string(struct json *j, const char *s)
{
	json_value_start(j);
	json_escaped(j, s);
}

void json_u64(struct json *j, uint64_t v)
{
	json_value_start(j);
	fprintf(j->out, "%llu", (unsigned long long)v);
}

/* JSON has no NaN or infinity: those become null. */
void json_double(struct json *j, double v)
{
	json_value_start(j);
	if (isfinite(v))
		fprintf(j->out, "%.3f", v);
	else
		fputs("null", j->out);
}

void json_null(struct json *j)
{
	json_value_start(j);
	fputs("null", j->out);
}
