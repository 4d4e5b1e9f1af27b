/*
 * ctl_obj.c - objects by index, name or device node, and confirmations
 * (see ctl_obj.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_args.h"
#include "ctl_obj.h"
#include "vcfields.h"

#define CO_WORDS 4096

/* The columns that name a row of a table, as vcfields names them. */
static const char *const co_name_cols[] = {"name", "devNode", "path"};
#define CO_NCOLS (sizeof(co_name_cols) / sizeof(co_name_cols[0]))

static int
co_is_index(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Row r matches s by one of its naming columns; its names go into words. */
static int
co_match(const struct vcf_table *tab, const void *r, const char *s, char *words, size_t *used)
{
	int hit = 0;

	for (size_t k = 0; k < CO_NCOLS; k++) {
		const struct vcf_field *f = vcf_field_by_name(tab, co_name_cols[k]);
		const char *v = f ? vcf_str(r, f) : "";

		if (!v[0])
			continue;
		hit |= !strcmp(v, s);
		if (*used + strlen(v) + 2 < CO_WORDS && !strchr(v, ' '))
			*used += (size_t)snprintf(words + *used, CO_WORDS - *used, "%s%s",
			                          *used ? " " : "", v);
	}
	return hit;
}

int
ctl_object(const struct ctl *x, int t, const char *s, uint32_t *idx)
{
	const struct vcf_table *tab = vcf_table(t);
	unsigned cols[CO_NCOLS];
	size_t nc = 0, n, used = 0, hits = 0;
	char *rows, *words, dym[300];
	int rc = CTL_EXIT_OK;

	if (co_is_index(s))
		return ctl_index(x, tab->name, s, idx) < 0 ? CTL_EXIT_USAGE : CTL_EXIT_OK;
	for (size_t k = 0; k < CO_NCOLS; k++)
		if (vcf_field_by_name(tab, co_name_cols[k]))
			cols[nc++] = vcf_field_by_name(tab, co_name_cols[k])->col;
	if (!nc)
		return ctl_usage_error(x, "%s \"%s\" is not an index (a whole number from 1)",
		                       tab->name, s);
	if (vc_read_columns(x->c, (enum vc_table)t, cols, nc, (void **)&rows, &n) < 0)
		return ctl_agent_error(x);
	if (!(words = calloc(1, CO_WORDS))) {
		free(rows);
		return ctl_usage_error(x, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		if (co_match(tab, rows + i * tab->row_size, s, words, &used) && hits++ == 0)
			memcpy(idx, rows + i * tab->row_size, sizeof(*idx));
	if (hits == 0)
		rc =
		    ctl_usage_error(x, "no %s is named \"%s\" (by index, name or device node)%s",
		                    tab->name, s, ctl_did_you_mean(s, words, "", dym, sizeof(dym)));
	else if (hits > 1)
		rc = ctl_usage_error(x, "%zu %ss are named \"%s\": give the index", hits, tab->name,
		                     s);
	free(words);
	free(rows);
	return rc;
}

int
ctl_confirm(const struct ctl *x, const char *what, const char *loses)
{
	char answer[16] = "";

	if (x->yes)
		return 0;
	if (!isatty(STDIN_FILENO))
		return ctl_usage_error(x,
		                       "%s destroys %s: add --yes to confirm (standard input is "
		                       "not a terminal, so vdsctl cannot ask)",
		                       what, loses);
	fflush(stdout);
	fprintf(stderr, "%s: %s destroys %s. Go on? [y/N] ", x->prog, what, loses);
	if (!fgets(answer, sizeof(answer), stdin) ||
	    (strcmp(answer, "y\n") && strcmp(answer, "yes\n") && strcmp(answer, "Y\n"))) {
		fprintf(stderr, "%s: not confirmed; nothing was done\n", x->prog);
		return CTL_EXIT_NOT_CONFIRMED;
	}
	return 0;
}
