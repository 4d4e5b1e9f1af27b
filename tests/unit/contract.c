/* SPDX-License-Identifier: ISC */
/*
 * contract.c - generic tests every provider passes, and the job driver.
 *
 * The tests find their targets in the inventory by the provider's name, so
 * they need no provider-specific knowledge: a labelled disk with free space
 * for the partition tests; unknown indexes for the refusals.
 */
#include "config.h"

#include <CUnit/CUnit.h>
#include <event2/event.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "contract.h"
#include "durable.h"
#include "model.h"

/* How long one job may run before the suite gives up on it (the lane's job deadline). */
#define CT_JOB_DEADLINE_S 900
#define CT_MIB            1048576ULL
#define CT_UNKNOWN        0x7ffffff0U

static const struct prov_ops *ct_ops;
static const struct contract_env *ct_env;
static void *ct_state;

/* ---- the driver ---- */

struct ct_ctx {
	struct contract_run *run;
	struct prov_job *pj;
	int done;
};

static void
ct_progress(uint32_t handle, unsigned percent, const char *details, void *arg)
{
	struct ct_ctx *c = arg;
	struct contract_run *r = c->run;

	(void)handle;
	(void)details;
	if (percent > 99 || (r->nprogress && percent < r->last_percent))
		r->went_back = 1;
	r->nprogress++;
	r->last_percent = percent;
	if (r->cancel_at > 0 && !r->cancel_sent && percent >= (unsigned)r->cancel_at) {
		r->cancel_answer = worker_cancel(c->pj);
		r->cancel_sent = 1;
	}
}

static void
ct_done(uint32_t handle, enum vds_result res, struct job_outputs *out, const char *msg, void *arg)
{
	struct ct_ctx *c = arg;

	(void)handle;
	(void)out;
	c->run->result = res;
	snprintf(c->run->msg, sizeof(c->run->msg), "%s", msg ? msg : "");
	c->done = 1;
}

static void
ct_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

/* run() on a real worker; 0 when it finished within 20 s. */
static int
ct_run_worker(const struct prov_ops *ops, void *state, void *plan, struct contract_run *run)
{
	struct ct_ctx c = {.run = run};
	const struct worker_ops wops = {ct_progress, ct_done, &c};
	struct event_base *base = event_base_new();
	struct event *tick = event_new(base, -1, EV_PERSIST, ct_tick, NULL);
	struct timeval tv = {0, 10000};
	time_t t0 = time(NULL);

	event_add(tick, &tv);
	if (worker_init(base, 1, &wops) < 0)
		goto out;
	c.pj = worker_submit(1, ops, state, plan);
	if (c.pj && run->cancel_at == 0) {
		run->cancel_answer = worker_cancel(c.pj);
		run->cancel_sent = 1;
	}
	/*
	 * A deadline, not an expectation: a job that never ends must not hang
	 * the suite, but a slow one must pass.  20 s was too short in the VM
	 * lane at host load 14, where a mirror's lvcreate and initial sync took
	 * longer (the job "timed out" and the late cancel was never sent).
	 */
	while (c.pj && !c.done && time(NULL) - t0 < CT_JOB_DEADLINE_S)
		event_base_loop(base, EVLOOP_ONCE);
	worker_shutdown();
out:
	event_free(tick);
	event_base_free(base);
	return c.done ? 0 : -1;
}

struct ct_landing {
	int answered, rc;
	char why[600];
};

static void
ct_landed(void *arg, int rc, const char *why)
{
	struct ct_landing *l = arg;

	l->answered = 1;
	l->rc = rc;
	snprintf(l->why, sizeof(l->why), "%s", why);
}

enum vds_result
contract_commit(const struct prov_ops *ops, void *state, void *plan, struct contract_run *run)
{
	struct event_base *base = event_base_new();
	struct ct_landing l = {0};
	struct durable_ticket t;
	enum vds_result r;
	time_t t0 = time(NULL);

	CU_ASSERT_FATAL(base && durable_init(base) == 0);
	durable_ticket_begin();
	r = ops->commit(state, plan, run->result, &run->out, run->msg, sizeof(run->msg));
	t = durable_ticket_end();
	if (r == VDS_R_OK && durable_wait(t, ct_landed, &l) < 0)
		r = VDS_R_NO_MEMORY;
	while (r == VDS_R_OK && !l.answered && time(NULL) - t0 < CT_JOB_DEADLINE_S)
		event_base_loop(base, EVLOOP_ONCE);
	durable_fini();
	event_base_free(base);
	if (r == VDS_R_OK && l.rc < 0) {
		memset(&run->out, 0, sizeof(run->out));
		snprintf(run->msg, sizeof(run->msg), "%s", l.why);
		r = VDS_R_IO_ERROR;
	}
	return r;
}

enum vds_result
contract_job(const struct prov_ops *ops, void *state, const struct job_params *p,
             struct contract_run *run)
{
	void *plan = NULL;
	enum vds_result r;

	memset(&run->out, 0, sizeof(run->out));
	run->msg[0] = '\0';
	run->cancel_sent = 0;
	run->nprogress = run->last_percent = 0;
	run->went_back = 0;
	r = ops->validate(state, p, run->msg, sizeof(run->msg));
	if (r == VDS_R_OK)
		r = ops->prepare(state, p, &plan, run->msg, sizeof(run->msg));
	if (r != VDS_R_OK)
		return run->result = r;
	if (ct_run_worker(ops, state, plan, run) < 0)
		run->result = VDS_R_TIMEOUT;
	r = contract_commit(ops, state, plan, run);
	ops->free_plan(plan);
	return run->result = r;
}

/* ---- fixtures ---- */

static const struct inv_disk *
ct_free_disk(void)
{
	const struct vtab *t = inv_table(INV_DISK);
	const struct inv_disk *d;
	size_t i;

	VTAB_FOREACH(t, i, d)
	{
		if (strcmp(d->provider, ct_ops->name) != 0 || d->pack_index ||
		    (d->pstyle != INV_PS_GPT && d->pstyle != INV_PS_MBR) ||
		    d->free_bytes < 64 * CT_MIB || (d->pstyle == INV_PS_MBR && d->nparts >= 4))
			continue;
		return d;
	}
	return NULL;
}

static void
ct_setup(void)
{
	ct_state = NULL;
	CU_ASSERT_EQUAL_FATAL(ct_env->setup(&ct_state), 0);
}

static void
ct_teardown(void)
{
	ct_env->teardown(ct_state);
	ct_state = NULL;
}

static struct job_params
ct_create_part(const struct inv_disk *d, uint64_t size)
{
	struct job_params p = {.type = JOB_CREATE_PARTITION, .disk = d->index, .size = size};

	return p;
}

/* ---- the tests ---- */

static void
ct_unknown_refused(void)
{
	static const struct job_params ps[] = {
	    {.type = JOB_CREATE_PARTITION, .disk = CT_UNKNOWN, .size = CT_MIB},
	    {.type = JOB_DELETE_PARTITION, .partition = CT_UNKNOWN},
	    {.type = JOB_DELETE_VOLUME, .volume = CT_UNKNOWN},
	    {.type = JOB_SHRINK_VOLUME, .volume = CT_UNKNOWN, .size = CT_MIB},
	    {.type = JOB_BREAK_PLEX, .volume = CT_UNKNOWN, .plex = CT_UNKNOWN},
	    {.type = JOB_CREATE_VOLUME, .pack = CT_UNKNOWN, .size = CT_MIB},
	    {.type = JOB_ATTACH_VDISK, .vdisk = CT_UNKNOWN},
	    {.type = JOB_DETACH_VDISK, .vdisk = CT_UNKNOWN},
	    {.type = JOB_DELETE_VDISK, .vdisk = CT_UNKNOWN},
	};
	char why[256];
	uint64_t gen;

	ct_setup();
	gen = inv_generation();
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		CU_ASSERT_FALSE(ct_ops->claims(ct_state, &ps[i]));
		CU_ASSERT_EQUAL(ct_ops->validate(ct_state, &ps[i], why, sizeof(why)),
		                VDS_R_NOT_FOUND);
		CU_ASSERT_NOT_EQUAL(why[0], '\0');
	}
	CU_ASSERT_EQUAL(inv_generation(), gen);
	ct_teardown();
}

static void
ct_no_space(void)
{
	const struct inv_disk *d;
	struct job_params p;
	char why[256];

	ct_setup();
	d = ct_free_disk();
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	p = ct_create_part(d, d->size + CT_MIB);
	CU_ASSERT_TRUE(ct_ops->claims(ct_state, &p));
	CU_ASSERT_EQUAL(ct_ops->validate(ct_state, &p, why, sizeof(why)), VDS_R_NO_SPACE);
	ct_teardown();
}

static const struct inv_part *
ct_part(uint32_t index)
{
	return index ? inv_get(INV_PARTITION, index) : NULL;
}

/* Create then delete: outputs filled, free space back, percent monotonic. */
static void
ct_create_delete(void)
{
	const struct inv_disk *d;
	const struct inv_part *pt;
	struct contract_run run = {.cancel_at = -1};
	struct job_params p;
	uint64_t free0;
	char key[256];

	ct_setup();
	CU_ASSERT_PTR_NOT_NULL_FATAL(d = ct_free_disk());
	snprintf(key, sizeof(key), "%s", d->key);
	free0 = d->free_bytes;
	p = ct_create_part(d, 16 * CT_MIB);
	CU_ASSERT_EQUAL_FATAL(contract_job(ct_ops, ct_state, &p, &run), VDS_R_OK);
	CU_ASSERT(run.nprogress >= 1);
	CU_ASSERT_FALSE(run.went_back);
	CU_ASSERT(run.out.offset > 0 && run.out.offset % CT_MIB == 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pt = ct_part(run.out.partition));
	CU_ASSERT_EQUAL(pt->offset, run.out.offset);
	CU_ASSERT_EQUAL(pt->size, 16 * CT_MIB);
	CU_ASSERT_NOT_EQUAL(run.out.objid[0], '\0');
	CU_ASSERT_EQUAL(inv_disk_by_key(key)->free_bytes, free0 - 16 * CT_MIB);

	p = (struct job_params){.type = JOB_DELETE_PARTITION, .partition = run.out.partition};
	CU_ASSERT_TRUE(ct_ops->claims(ct_state, &p));
	CU_ASSERT_EQUAL(contract_job(ct_ops, ct_state, &p, &run), VDS_R_OK);
	CU_ASSERT_PTR_NULL(ct_part(p.partition));
	CU_ASSERT_EQUAL(inv_disk_by_key(key)->free_bytes, free0);
	ct_teardown();
}

static void
ct_cancel_early(void)
{
	const struct inv_disk *d;
	struct contract_run run = {.cancel_at = 0};
	struct job_params p;
	uint64_t free0, gen;
	size_t nparts;
	char key[256];

	ct_setup();
	CU_ASSERT_PTR_NOT_NULL_FATAL(d = ct_free_disk());
	snprintf(key, sizeof(key), "%s", d->key);
	free0 = d->free_bytes;
	nparts = d->nparts;
	gen = inv_generation();
	p = ct_create_part(d, 16 * CT_MIB);
	CU_ASSERT_EQUAL(contract_job(ct_ops, ct_state, &p, &run), VDS_R_CANCELLED);
	CU_ASSERT_EQUAL(run.cancel_answer, WORKER_CANCEL_REQUESTED);
	CU_ASSERT_EQUAL(inv_generation(), gen);
	CU_ASSERT_EQUAL(inv_disk_by_key(key)->free_bytes, free0);
	CU_ASSERT_EQUAL(inv_disk_by_key(key)->nparts, nparts);
	CU_ASSERT_EQUAL(run.out.partition, 0);
	ct_teardown();
}

/* A cancel near the end: too late and done, or honoured and nothing done. */
static void
ct_cancel_late(void)
{
	const struct inv_disk *d;
	struct contract_run run = {.cancel_at = 50};
	struct job_params p;
	uint64_t free0;
	char key[256];

	ct_setup();
	CU_ASSERT_PTR_NOT_NULL_FATAL(d = ct_free_disk());
	snprintf(key, sizeof(key), "%s", d->key);
	free0 = d->free_bytes;
	p = ct_create_part(d, 16 * CT_MIB);
	contract_job(ct_ops, ct_state, &p, &run);
	CU_ASSERT_TRUE_FATAL(run.cancel_sent);
	if (run.cancel_answer == WORKER_CANCEL_TOO_LATE) {
		CU_ASSERT_EQUAL(run.result, VDS_R_OK);
		CU_ASSERT_NOT_EQUAL(run.out.partition, 0);
		CU_ASSERT_EQUAL(inv_disk_by_key(key)->free_bytes, free0 - 16 * CT_MIB);
	} else {
		CU_ASSERT_EQUAL(run.result, VDS_R_CANCELLED);
		CU_ASSERT_EQUAL(inv_disk_by_key(key)->free_bytes, free0);
	}
	ct_teardown();
}

void
contract_add_suite(const struct prov_ops *ops, const struct contract_env *env)
{
	char name[64];
	CU_pSuite s;

	ct_ops = ops;
	ct_env = env;
	snprintf(name, sizeof(name), "contract:%s", ops->name);
	s = CU_add_suite(name, NULL, NULL);
	CU_add_test(s, "unknown objects refused", ct_unknown_refused);
	CU_add_test(s, "no space", ct_no_space);
	CU_add_test(s, "create+delete partition, outputs, progress", ct_create_delete);
	CU_add_test(s, "cancel before the point of no return", ct_cancel_early);
	CU_add_test(s, "late cancel: too late and done, or nothing done", ct_cancel_late);
}

/* ---- volume providers (lvm): a pack with free space, volumes in it ---- */

static const struct inv_pack *
ct_free_pack(void)
{
	const struct vtab *t = inv_table(INV_PACK);
	const struct inv_pack *pk;
	size_t i;

	VTAB_FOREACH(t, i, pk)
	{
		if (strcmp(pk->provider, ct_ops->name) == 0 && pk->free_bytes >= 128 * CT_MIB)
			return pk;
	}
	return NULL;
}

static struct job_params
ct_create_vol(const struct inv_pack *pk, enum inv_voltype type, uint64_t size)
{
	struct job_params p = {
	    .type = JOB_CREATE_VOLUME, .pack = pk->index, .volume_type = type, .size = size};

	return p;
}

static void
ct_vol_no_space(void)
{
	const struct inv_pack *pk;
	struct job_params p;
	char why[256];

	ct_setup();
	CU_ASSERT_PTR_NOT_NULL_FATAL(pk = ct_free_pack());
	p = ct_create_vol(pk, INV_VT_SIMPLE, pk->free_bytes + CT_MIB);
	CU_ASSERT_TRUE(ct_ops->claims(ct_state, &p));
	CU_ASSERT_EQUAL(ct_ops->validate(ct_state, &p, why, sizeof(why)), VDS_R_NO_SPACE);
	p = ct_create_vol(pk, INV_VT_MIRROR, pk->free_bytes / 2 + CT_MIB);
	CU_ASSERT_EQUAL(ct_ops->validate(ct_state, &p, why, sizeof(why)), VDS_R_NO_SPACE);
	ct_teardown();
}

static uint64_t
ct_pack_free(const char *key)
{
	const struct vtab *t = inv_table(INV_PACK);
	const struct inv_pack *pk;
	size_t i;

	VTAB_FOREACH(t, i, pk)
	{
		if (strcmp(pk->key, key) == 0)
			return pk->free_bytes;
	}
	return 0;
}

/* Create (type) then delete: outputs, the row, the pack's free space, progress. */
static void
ct_vol_create_delete_type(enum inv_voltype type, unsigned copies)
{
	const struct inv_pack *pk;
	const struct inv_volume *v;
	struct contract_run run = {.cancel_at = -1};
	struct job_params p;
	uint64_t free0;
	char key[256];

	ct_setup();
	CU_ASSERT_PTR_NOT_NULL_FATAL(pk = ct_free_pack());
	snprintf(key, sizeof(key), "%s", pk->key);
	free0 = pk->free_bytes;
	p = ct_create_vol(pk, type, 16 * CT_MIB);
	CU_ASSERT_EQUAL_FATAL(contract_job(ct_ops, ct_state, &p, &run), VDS_R_OK);
	CU_ASSERT(run.nprogress >= 1);
	CU_ASSERT_FALSE(run.went_back);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = inv_get(INV_VOLUME, run.out.volume));
	CU_ASSERT_EQUAL(v->size, 16 * CT_MIB);
	CU_ASSERT_EQUAL(v->type, type);
	CU_ASSERT_STRING_EQUAL(v->objid, run.out.objid);
	/* at least the data; raid1 adds a metadata extent per plex */
	CU_ASSERT(ct_pack_free(key) <= free0 - copies * 16 * CT_MIB);
	p = (struct job_params){.type = JOB_DELETE_VOLUME, .volume = run.out.volume};
	CU_ASSERT_TRUE(ct_ops->claims(ct_state, &p));
	CU_ASSERT_EQUAL(contract_job(ct_ops, ct_state, &p, &run), VDS_R_OK);
	CU_ASSERT_PTR_NULL(inv_get(INV_VOLUME, p.volume));
	CU_ASSERT_EQUAL(ct_pack_free(key), free0);
	ct_teardown();
}

static void
ct_vol_create_delete(void)
{
	ct_vol_create_delete_type(INV_VT_SIMPLE, 1);
}

static void
ct_vol_create_delete_mirror(void)
{
	ct_vol_create_delete_type(INV_VT_MIRROR, 2);
}

static void
ct_vol_cancel_early(void)
{
	const struct inv_pack *pk;
	struct contract_run run = {.cancel_at = 0};
	struct job_params p;
	uint64_t free0;
	size_t nvol;
	char key[256];

	ct_setup();
	CU_ASSERT_PTR_NOT_NULL_FATAL(pk = ct_free_pack());
	snprintf(key, sizeof(key), "%s", pk->key);
	free0 = pk->free_bytes;
	nvol = inv_table(INV_VOLUME)->n;
	p = ct_create_vol(pk, INV_VT_SIMPLE, 16 * CT_MIB);
	CU_ASSERT_EQUAL(contract_job(ct_ops, ct_state, &p, &run), VDS_R_CANCELLED);
	CU_ASSERT_EQUAL(run.cancel_answer, WORKER_CANCEL_REQUESTED);
	CU_ASSERT_EQUAL(ct_pack_free(key), free0);
	CU_ASSERT_EQUAL(inv_table(INV_VOLUME)->n, nvol);
	CU_ASSERT_EQUAL(run.out.volume, 0);
	ct_teardown();
}

/* A cancel during a mirror's initial sync: too late and done, or nothing done. */
static void
ct_vol_cancel_late(void)
{
	const struct inv_pack *pk;
	struct contract_run run = {.cancel_at = 5};
	struct job_params p;
	uint64_t free0;
	char key[256];

	ct_setup();
	CU_ASSERT_PTR_NOT_NULL_FATAL(pk = ct_free_pack());
	snprintf(key, sizeof(key), "%s", pk->key);
	free0 = pk->free_bytes;
	p = ct_create_vol(pk, INV_VT_MIRROR, 32 * CT_MIB);
	contract_job(ct_ops, ct_state, &p, &run);
	CU_ASSERT_TRUE_FATAL(run.cancel_sent);
	if (run.cancel_answer == WORKER_CANCEL_TOO_LATE) {
		CU_ASSERT_EQUAL(run.result, VDS_R_OK);
		CU_ASSERT_PTR_NOT_NULL(inv_get(INV_VOLUME, run.out.volume));
		CU_ASSERT(ct_pack_free(key) < free0);
	} else {
		CU_ASSERT_EQUAL(run.result, VDS_R_CANCELLED);
		CU_ASSERT_EQUAL(ct_pack_free(key), free0);
	}
	ct_teardown();
}

void
contract_add_volume_suite(const struct prov_ops *ops, const struct contract_env *env)
{
	char name[64];
	CU_pSuite s;

	ct_ops = ops;
	ct_env = env;
	snprintf(name, sizeof(name), "contract-volumes:%s", ops->name);
	s = CU_add_suite(name, NULL, NULL);
	CU_add_test(s, "unknown objects refused", ct_unknown_refused);
	CU_add_test(s, "no space in the pack", ct_vol_no_space);
	CU_add_test(s, "create+delete simple volume, outputs, progress", ct_vol_create_delete);
	CU_add_test(s, "create+delete mirror, outputs, progress", ct_vol_create_delete_mirror);
	CU_add_test(s, "cancel before the point of no return", ct_vol_cancel_early);
	CU_add_test(s, "late cancel: too late and done, or nothing done", ct_vol_cancel_late);
}
