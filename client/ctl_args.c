/*
 * ctl_args.c - typo suggestions for vdsctl (see ctl_args.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ctl_args.h"

#define CA_WORD 64

/* Optimal string alignment distance of a and b (both < CA_WORD long). */
static size_t
ca_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[CA_WORD + 1][CA_WORD + 1];

	if (la > CA_WORD || lb > CA_WORD)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], v = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

const char *
ctl_suggest(const char *typed, const char *words, char *buf, size_t len)
{
	size_t best = (size_t)-1, limit = 1 + strlen(typed) / 5;
	char w[CA_WORD + 1];

	buf[0] = '\0';
	for (const char *p = words; *p;) {
		size_t l;

		p += *p == '!';
		l = strcspn(p, " ");
		if (l > 0 && l <= CA_WORD) {
			size_t dist;

			memcpy(w, p, l);
			w[l] = '\0';
			dist = ca_distance(typed, w);
			if (dist <= limit && dist < best) {
				best = dist;
				snprintf(buf, len, "%s", w);
			}
		}
		p += l;
		p += *p == ' ';
	}
	return buf[0] ? buf : NULL;
}

const char *
ctl_did_you_mean(const char *typed, const char *words, const char *prefix, char *buf, size_t len)
{
	char s[CA_WORD + 1];
	size_t pl = strlen(prefix);

	if (!strncmp(typed, prefix, pl))
		typed += pl;
	if (!ctl_suggest(typed, words, s, sizeof(s)))
		return "";
	snprintf(buf, len, " (did you mean '%s%s'?)", prefix, s);
	return buf;
}
