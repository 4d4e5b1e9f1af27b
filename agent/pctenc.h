/* SPDX-License-Identifier: ISC */
/*
 * pctenc.h - percent-encoding of free text in vdsd's line-oriented state
 * files: any byte outside [A-Za-z0-9._:/,+-] is written as %XX, so a value
 * never holds a blank, a newline or a '=' and a line splits on blanks.
 */
#ifndef VDS_PCTENC_H
#define VDS_PCTENC_H

#include <stdio.h>

/* Write s encoded. */
void pct_put(FILE *f, const char *s);
/* Decode %XX in place; -1 on a bad escape or an encoded NUL. */
int pct_decode(char *s);

#endif
