/* SPDX-License-Identifier: ISC */
/*
 * testutil.c - shell helpers shared by the unit tests.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "testutil.h"

int
sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static int
tu_vrun(char *out, size_t len, const char *fmt, va_list ap)
{
	char cmd[4096], sink[512];
	size_t n = 0;
	FILE *p;
	int st;

	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	if (out && len)
		out[0] = '\0';
	if (!(p = popen(cmd, "r")))
		return -1;
	if (out && len) {
		n = fread(out, 1, len - 1, p);
		out[n] = '\0';
	}
	while (fread(sink, 1, sizeof(sink), p) > 0)
		; /* the rest, so the command never dies of SIGPIPE */
	st = pclose(p);
	while (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int
run_capture(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = tu_vrun(out, len, fmt, ap);
	va_end(ap);
	return rc;
}

char *
capture(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tu_vrun(buf, len, fmt, ap);
	va_end(ap);
	return buf;
}
