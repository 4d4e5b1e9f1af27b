/* SPDX-License-Identifier: ISC */
/*
 * ptype.c - partition type aliases and the checks of raw GPT/MBR types.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ptype.h"

struct ptype_alias {
	const char *name;
	const char *gpt; /* type GUID */
	const char *mbr; /* type byte, NULL when MBR has none */
};

static const struct ptype_alias ptype_aliases[] = {
    {"linux", "0fc63daf-8483-4772-8e79-3d69d8477de4", "0x83"},
    {"swap", "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f", "0x82"},
    {"efi", "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "0xef"},
    {"lvm", "e6d6d379-f507-44c2-a23c-238f2a3df928", "0x8e"},
    {"raid", "a19d880f-05fc-4d3b-a006-743f0f84911e", "0xfd"},
    {"home", "933ac7e1-2eb4-4f13-b844-0e14e2aef915", "0x83"},
    {"msdata", "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7", "0x07"},
    {"bios", "21686148-6449-6e6f-744e-656564454649", NULL},
    {"extended", NULL, "0x05"},
};

static int
ptype_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
ptype_guid(const char *t)
{
	static const size_t groups[] = {8, 4, 4, 4, 12};

	if (strlen(t) != 36)
		return 0;
	for (size_t g = 0, off = 0; g < 5; off += groups[g++] + 1)
		if (!ptype_hex(t + off, groups[g]) || (g < 4 && t[off + groups[g]] != '-'))
			return 0;
	return 1;
}

/* "0x83" or "83": one non-zero byte. */
static int
ptype_mbr(const char *t, unsigned *byte)
{
	const char *h = strncasecmp(t, "0x", 2) == 0 ? t + 2 : t;
	size_t n = strlen(h);

	if (n < 1 || n > 2 || !ptype_hex(h, n) || sscanf(h, "%x", byte) != 1)
		return 0;
	return *byte != 0;
}

static int
ptype_lower(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
	return in[i] ? -1 : 0;
}

int
ptype_resolve(enum inv_pstyle style, const char *in, char *out, size_t len)
{
	unsigned byte;

	if (style != INV_PS_GPT && style != INV_PS_MBR)
		return -1;
	if (in[0] == '\0')
		in = "linux";
	for (size_t i = 0; i < sizeof(ptype_aliases) / sizeof(ptype_aliases[0]); i++) {
		const struct ptype_alias *a = &ptype_aliases[i];
		const char *v = style == INV_PS_GPT ? a->gpt : a->mbr;

		if (strcasecmp(in, a->name) == 0)
			return v ? ptype_lower(v, out, len) : -1;
	}
	if (style == INV_PS_GPT)
		return ptype_guid(in) ? ptype_lower(in, out, len) : -1;
	if (!ptype_mbr(in, &byte))
		return -1;
	return snprintf(out, len, "0x%02x", byte) < (int)len ? 0 : -1;
}

int
ptype_mbr_extended(const char *type)
{
	unsigned byte;

	if (!ptype_mbr(type, &byte))
		return 0;
	return byte == 0x05 || byte == 0x0f || byte == 0x85;
}
