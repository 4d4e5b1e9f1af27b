/* SPDX-License-Identifier: ISC */
/*
 * mib_jobmemo.c - the last few SETs that created a vdsJobTable row, by
 * handle, with when and exactly what they wrote.  A retry reaches vdsd as
 * a new PDU with the same varbinds; within MJM_RETRY_MS it is answered
 * noError and changes nothing (RFC 3416 leaves duplicate detection to the
 * agent; RowStatus would otherwise refuse the second createAndGo).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clockms.h"
#include "mib_jobmemo.h"

#define MJM_SLOTS 16

static struct {
	uint32_t handle; /* 0: free */
	int64_t ms;
	struct mjm_sig sig;
} mjm_memo[MJM_SLOTS];
static unsigned mjm_next;

static int
mjm_put(struct mjm_sig *s, const void *p, size_t n)
{
	if (!n)
		return 0;
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		unsigned char *b;

		while (cap < s->len + n)
			cap *= 2;
		if (!(b = realloc(s->buf, cap)))
			return -1;
		s->buf = b;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	return 0;
}

int
mjm_sig_add(struct mjm_sig *s, const netsnmp_variable_list *vb)
{
	size_t nl = vb->name_length, vl = vb->val_len;

	if (mjm_put(s, &nl, sizeof(nl)) < 0 || mjm_put(s, vb->name, nl * sizeof(oid)) < 0 ||
	    mjm_put(s, &vb->type, sizeof(vb->type)) < 0 || mjm_put(s, &vl, sizeof(vl)) < 0)
		return -1;
	return vl && vb->val.string ? mjm_put(s, vb->val.string, vl) : 0;
}

void
mjm_sig_free(struct mjm_sig *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

void
mjm_forget(uint32_t handle)
{
	for (unsigned i = 0; i < MJM_SLOTS; i++)
		if (mjm_memo[i].handle == handle) {
			mjm_sig_free(&mjm_memo[i].sig);
			mjm_memo[i].handle = 0;
		}
}

void
mjm_remember(uint32_t handle, const struct mjm_sig *sig)
{
	unsigned i = mjm_next;

	mjm_forget(handle);
	mjm_next = (mjm_next + 1) % MJM_SLOTS;
	mjm_sig_free(&mjm_memo[i].sig);
	mjm_memo[i].handle = 0;
	if (mjm_put(&mjm_memo[i].sig, sig->buf, sig->len) < 0) {
		mjm_sig_free(&mjm_memo[i].sig);
		return; /* without memory a retry is refused, as before */
	}
	mjm_memo[i].handle = handle;
	mjm_memo[i].ms = clock_mono_ms();
}

int
mjm_is_retry(uint32_t handle, const struct mjm_sig *sig)
{
	int64_t now = clock_mono_ms();

	for (unsigned i = 0; i < MJM_SLOTS; i++)
		if (mjm_memo[i].handle == handle)
			return now - mjm_memo[i].ms < MJM_RETRY_MS &&
			       mjm_memo[i].sig.len == sig->len &&
			       !memcmp(mjm_memo[i].sig.buf, sig->buf, sig->len);
	return 0;
}
