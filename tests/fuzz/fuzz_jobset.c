/* SPDX-License-Identifier: ISC */
/*
 * fuzz_jobset.c - libFuzzer target: one input is one SET PDU on vdsJobTable,
 * driven through the real handler in every pass Net-SNMP's agent makes
 * (RESERVE1, RESERVE2, ACTION, COMMIT; FREE after a failed RESERVE, UNDO
 * after a failed ACTION), against the real job engine and the sim provider
 * (simJobDuration 0), and the started jobs run to their end.
 *
 * Each input gets a fresh world (state directory, inventory, sim, engine):
 * a crash reproduces from its input alone.  Input layout:
 *   byte 0   prelude: which of rows 1..5 exist before the SET (created,
 *            notReady, succeeded, running, queued), whether one is then
 *            destroyed, whether vdsd restarts before the SET, and
 *            whether it restarts after it
 *   byte 1   number of varbinds (1..16, low 4 bits); bits 4-5: another
 *            handler of the PDU fails after our RESERVE1, RESERVE2 or ACTION
 *   then per varbind: column, row, type selector and a value (fz_value()).
 *
 * Aborts when: a failed SET changed the table (rows, or the GET of any
 * column of any row); an accepted SET created other rows than the
 * createAndGo/createAndWait ones it named, or a written column does not
 * read back, or more jobs are running and queued than jobMaxRunning +
 * jobMaxQueued; vdsJobNextHandle gives a handle in use or ever used; COMMIT,
 * FREE or UNDO reported an error; started jobs never finish; a restart
 * after the SET (once its jobs ended) shows another table; Net-SNMP
 * logged anything (its log is routed here, so no log floods either).
 */
#include "config.h"

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "job.h"
#include "log.h"
#include "mib_inv.h"
#include "mib_job.h"
#include "mib_oids.h"
#include "model.h"

#include "fuzz_jobset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_MAX_SEEN 64
#define FZ_PRE_ROWS 5

/* ----------------------------------------------------------------- world */

static struct {
	char dir[128];
	struct vds_conf conf;
	struct event_base *base;
	netsnmp_handler_registration *jobreg, *svcreg;
	uint32_t seen[FZ_MAX_SEEN]; /* every handle that was a row or handed out */
	uint8_t was_row[FZ_MAX_SEEN];
	size_t nseen;
	int wrapped; /* the handle space was used up to its end: numbering may start over */
} fz;

static void
fz_quiet(int prio, const char *token, const char *msg)
{
	(void)prio;
	(void)token;
	(void)msg;
}

/* Net-SNMP says something only when it was handed a bad varbind or error: a bug. */
static int
fz_snmp_log(int major, int minor, void *serverarg, void *clientarg)
{
	const struct snmp_log_message *m = serverarg;

	(void)major;
	(void)minor;
	(void)clientarg;
	FZ_FAIL("Net-SNMP logged: %s", m && m->msg ? m->msg : "?");
	return 0;
}

static int
fz_rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	return ftw->level > 0 ? remove(path) : 0;
}

static void
fz_cleanup(void)
{
	job_engine_shutdown();
	inv_shutdown();
	nftw(fz.dir, fz_rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	rmdir(fz.dir);
}

static void
fz_engine_up(void)
{
	if (inv_init(fz.dir) < 0 || job_engine_init(fz.base, &fz.conf, fz.dir) < 0)
		FZ_FAIL("cannot start the engine over %s", fz.dir);
}

static void
fz_engine_down(void)
{
	job_engine_shutdown();
	inv_shutdown();
}

static netsnmp_handler_registration *
fz_reg(const struct mib_table *t, int modes)
{
	netsnmp_mib_handler *h = netsnmp_create_handler(t->name, mib_table_handler);
	netsnmp_handler_registration *reg;

	if (!h)
		FZ_FAIL("no memory");
	h->myvoid = (void *)t;
	reg = netsnmp_handler_registration_create(t->name, h, t->base, t->base_len, modes);
	if (!reg)
		FZ_FAIL("no memory");
	return reg;
}

static void
fz_init_once(void)
{
	static struct mib_service_info info = {.providers = "sim", .next_handle = job_next_handle};
	const char *tmp = getenv("TMPDIR");

	log_set_sink(fz_quiet);
	snmp_disable_log();
	snmp_enable_calllog();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, fz_snmp_log, NULL);
	if (!tmp || !*tmp)
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(fz.dir, sizeof(fz.dir), "%s/vdsd-fuzz-jobset.XXXXXX", tmp);
	if (!mkdtemp(fz.dir))
		FZ_FAIL("mkdtemp %s", fz.dir);
	conf_defaults(&fz.conf);
	free(fz.conf.state_dir);
	fz.conf.state_dir = strdup(fz.dir);
	strlist_add(&fz.conf.providers, "sim");
	fz.conf.sim_job_ms = 0;
	fz.conf.job_max_running = 1;
	fz.conf.job_max_queued = 2;
	fz.base = event_base_new();
	if (!fz.base || !fz.conf.state_dir)
		FZ_FAIL("no memory");
	mib_service_set_info(&info);
	fz.jobreg = fz_reg(&mib_job_table, HANDLER_CAN_RWRITE);
	fz.svcreg = fz_reg(&mib_service_scalars, HANDLER_CAN_RONLY);
	fz_engine_up();
	atexit(fz_cleanup);
}

/* A fresh world: no state on disk, a new inventory, sim and engine. */
static void
fz_reset(void)
{
	fz_engine_down();
	nftw(fz.dir, fz_rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	fz_engine_up();
	fz.nseen = 0;
	fz.wrapped = 0;
}

/* Run the loop until no job is queued or running. */
static void
fz_drain(void)
{
	struct timespec t0, t;
	struct job_counters c;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (job_get_counters(&c); c.running + c.queued > 0; job_get_counters(&c)) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 20)
			FZ_FAIL("%u jobs running and %u queued after 20 s", c.running, c.queued);
		event_base_loop(fz.base, EVLOOP_ONCE);
	}
}

/* The value of vdsJobNextHandle.0 through the service scalars' GET. */
static uint32_t
fz_next_handle(void)
{
	static const oid name[] = {VDS_MIB_ROOT, VDS_OBJECTS, VDS_SERVICE, VDS_SVC_JOB_NEXT_HANDLE,
	                           0};
	struct fz_pdu p;
	uint32_t h;

	memset(p.vb, 0, sizeof(p.vb[0]));
	snmp_set_var_objid(&p.vb[0], name, OID_LENGTH(name));
	p.vb[0].type = ASN_NULL;
	p.n = 1;
	fz_pdu_link(&p);
	if (fz_pass(fz.svcreg, &p, MODE_GET) != 0 || p.vb[0].type != ASN_UNSIGNED)
		FZ_FAIL("GET vdsJobNextHandle failed");
	h = (uint32_t)*p.vb[0].val.integer;
	fz_pdu_free(&p);
	return h;
}

/* ------------------------------------------------------- table snapshot */

struct fz_snap {
	unsigned char *buf;
	size_t len, cap;
	size_t nrows;
};

static void
fz_put(struct fz_snap *s, const void *d, size_t n)
{
	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2 + 4096;
		if (!(s->buf = realloc(s->buf, s->cap)))
			FZ_FAIL("no memory");
	}
	memcpy(s->buf + s->len, d, n);
	s->len += n;
}

/* GET of every column of row h, in one PDU; each value appended to s. */
static void
fz_get_row(uint32_t h, struct fz_snap *s, struct fz_pdu *p)
{
	oid name[MAX_OID_LEN];
	size_t bl = mib_job_table.base_len;

	memcpy(name, mib_job_table.base, bl * sizeof(oid));
	memset(p->vb, 0, sizeof(p->vb));
	for (p->n = 0; p->n < FZ_NCOLS - 1; p->n++) {
		name[bl] = p->n + 1;
		name[bl + 1] = h;
		snmp_set_var_objid(&p->vb[p->n], name, bl + 2);
		p->vb[p->n].type = ASN_NULL;
	}
	fz_pdu_link(p);
	if (fz_pass(fz.jobreg, p, MODE_GET) != 0)
		FZ_FAIL("GET of row %u failed", h);
	for (size_t i = 0; s && i < p->n; i++) {
		fz_put(s, &p->vb[i].type, sizeof(p->vb[i].type));
		fz_put(s, &p->vb[i].val_len, sizeof(p->vb[i].val_len));
		if (p->vb[i].val.string)
			fz_put(s, p->vb[i].val.string, p->vb[i].val_len);
	}
}

static void
fz_snapshot(struct fz_snap *s)
{
	const struct vtab *t = job_table();
	struct fz_pdu p;

	s->len = 0;
	s->nrows = vtab_count(t);
	for (const void *row = vtab_next(t, 0); row; row = vtab_next(t, VTAB_INDEX(row))) {
		uint32_t h = VTAB_INDEX(row);

		fz_put(s, &h, sizeof(h));
		fz_get_row(h, s, &p);
		fz_pdu_free(&p);
	}
}

/* ------------------------------------------------------------ handles */

static int
fz_was_seen(uint32_t h)
{
	for (size_t i = 0; i < fz.nseen; i++)
		if (fz.seen[i] == h)
			return 1;
	return 0;
}

static void
fz_see(uint32_t h, int row)
{
	if (h >= JOB_HANDLE_MAX - FZ_MAX_SEEN)
		fz.wrapped = 1;
	for (size_t i = 0; i < fz.nseen; i++)
		if (fz.seen[i] == h) {
			fz.was_row[i] |= row;
			return;
		}
	if (fz.nseen < FZ_MAX_SEEN) {
		fz.was_row[fz.nseen] = row;
		fz.seen[fz.nseen++] = h;
	}
}

/*
 * A restart may hand out again a handle vdsJobNextHandle gave but no row
 * ever had (nothing is written on a GET); a row's handle, never.
 */
static void
fz_forget_unused(void)
{
	size_t n = 0;

	for (size_t i = 0; i < fz.nseen; i++)
		if (fz.was_row[i]) {
			fz.was_row[n] = 1;
			fz.seen[n++] = fz.seen[i];
		}
	fz.nseen = n;
}

static void
fz_see_rows(void)
{
	const struct vtab *t = job_table();

	for (const void *row = vtab_next(t, 0); row; row = vtab_next(t, VTAB_INDEX(row)))
		fz_see(VTAB_INDEX(row), 1);
}

/* vdsJobNextHandle: never 0 here, never a handle in use or ever used. */
static uint32_t
fz_check_next_handle(void)
{
	uint32_t h = fz_next_handle();

	if (h == 0 || job_find(h))
		FZ_FAIL("vdsJobNextHandle gave %u, a handle in use (or none)", h);
	if (!fz.wrapped && fz_was_seen(h))
		FZ_FAIL("vdsJobNextHandle gave %u again", h);
	fz_see(h, 0);
	return h;
}

/* ------------------------------------------------------------ prelude */

static void
fz_partition_params(struct job_params *p)
{
	memset(p, 0, sizeof(*p));
	p->type = JOB_CREATE_PARTITION;
	p->disk = inv_disk_by_key("sim:sim1")->index;
	p->size = 1024 * 1024;
	p->volume_type = INV_VT_SIMPLE;
	p->vdisk_type = INV_VDT_EXPANDABLE;
	p->vdisk_format = INV_VF_RAW;
	p->init_label = JOB_LABEL_NONE;
}

/*
 * Rows 1..5 as bits 0..4 ask: created, notReady (a type and nothing else),
 * succeeded, running, queued (the last two on the same disk, so 5 waits
 * for 4).  Bit 5 destroys the highest of them; bit 6 restarts vdsd.
 * Bit 7 restarts vdsd after the SET (see LLVMFuzzerTestOneInput()).
 */
static void
fz_prelude(uint8_t b)
{
	struct job_params p;
	uint32_t top = 0;

	fz_partition_params(&p);
	if ((b & 1) && job_create(1, &p, "fuzz", 0, 0, 0))
		top = 1;
	if (b & 2) {
		struct job_params q = p;

		q.type = JOB_DELETE_VOLUME;
		q.disk = 0;
		q.size = 0;
		if (job_create(2, &q, "", 1, 0, 0))
			top = 2;
	}
	if ((b & 4) && job_create(3, &p, "", 1, 1, 1)) {
		fz_drain();
		top = 3;
	}
	if ((b & 8) && job_create(4, &p, "", 0, 0, 1))
		top = 4;
	if ((b & 16) && job_create(5, &p, "", 0, 0, 1))
		top = 5;
	fz_see_rows();
	if ((b & 32) && top && job_destroy(top) < 0) {
		fz_drain();
		if (job_destroy(top) < 0)
			FZ_FAIL("cannot destroy finished row %u", top);
	}
	if (b & 64) {
		fz_engine_down();
		fz_engine_up();
	}
	fz_see_rows();
}

/* ----------------------------------------------------------- checks */

/* After an accepted SET: rows = before + created - destroyed; written values read back. */
static void
fz_check_accepted(const struct fz_pdu *p, const struct fz_snap *before, int existed[FZ_NCOLS])
{
	size_t bl = mib_job_table.base_len;
	const struct vtab *t = job_table();
	size_t want = before->nrows;
	struct job_counters c;
	struct fz_pdu g;

	for (size_t i = 0; i < p->n; i++) {
		uint32_t h = (uint32_t)p->vb[i].name[bl + 1];
		int last = 1;
		long v;

		if (p->vb[i].name[bl] != VDS_JOB_ROW_STATUS)
			continue;
		/* The row's last RowStatus varbind is the one that counts. */
		for (size_t k = i + 1; k < p->n; k++)
			if (p->vb[k].name[bl + 1] == h && p->vb[k].name[bl] == VDS_JOB_ROW_STATUS)
				last = 0;
		if (!last)
			continue;
		v = *p->vb[i].val.integer;
		if ((v == 4 || v == 5) && !existed[i]) {
			want++;
			if (!job_find(h))
				FZ_FAIL("accepted createAndGo/Wait of %u made no row", h);
		} else if (v == 6 && existed[i]) {
			want--;
			if (job_find(h))
				FZ_FAIL("accepted destroy of %u left the row", h);
		}
	}
	if (vtab_count(t) != want)
		FZ_FAIL("accepted SET: %zu rows, expected %zu", vtab_count(t), want);
	job_get_counters(&c);
	if (c.running > fz.conf.job_max_running || c.queued > fz.conf.job_max_queued)
		FZ_FAIL("accepted SET: %u running and %u queued, over the limits %u and %u",
		        c.running, c.queued, fz.conf.job_max_running, fz.conf.job_max_queued);
	/* Written columns read back (the last write of a column wins). */
	for (size_t i = 0; i < p->n; i++) {
		uint32_t h = (uint32_t)p->vb[i].name[bl + 1];
		oid col = p->vb[i].name[bl];
		int last = 1;

		for (size_t k = i + 1; k < p->n; k++)
			if (p->vb[k].name[bl + 1] == h && p->vb[k].name[bl] == col)
				last = 0;
		if (!last || !job_find(h) || col == VDS_JOB_ROW_STATUS || col == VDS_JOB_CONTROL ||
		    col == VDS_JOB_P_DISKS)
			continue;
		fz_get_row(h, NULL, &g);
		if (g.vb[col - 1].type != p->vb[i].type ||
		    g.vb[col - 1].val_len != p->vb[i].val_len ||
		    memcmp(g.vb[col - 1].val.string, p->vb[i].val.string, p->vb[i].val_len) != 0)
			FZ_FAIL("row %u column %lu does not read back what was set", h,
			        (unsigned long)col);
		fz_pdu_free(&g);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static struct fz_snap before, after;
	struct fz_in in = {data, size};
	struct fz_pdu p;
	int existed[FZ_NCOLS], st, foreign;
	uint8_t pre = size ? data[0] : 0, nb;
	uint32_t next;
	size_t bl = mib_job_table.base_len;

	if (!ready) {
		fz_init_once();
		ready = 1;
	} else {
		fz_reset();
	}
	fz_prelude(fz_u8(&in));
	next = fz_check_next_handle(); /* what a manager reads before it creates a row */
	memset(p.vb, 0, sizeof(p.vb));
	nb = fz_u8(&in);
	p.n = nb % FZ_MAX_VB + 1;
	foreign = nb / FZ_MAX_VB % 4;
	for (size_t i = 0; i < p.n; i++) {
		fz_varbind(&in, &p.vb[i], next);
		existed[i] = p.vb[i].name_length == bl + 2 && p.vb[i].name[bl + 1] <= UINT32_MAX &&
		             job_find((uint32_t)p.vb[i].name[bl + 1]);
	}
	fz_pdu_link(&p);
	fz_snapshot(&before);

	/*
	 * The passes of snmp_agent.c handle_set() (an AgentX subagent runs the
	 * same).  `foreign` 1..3: another handler of the PDU failed after our
	 * RESERVE1, RESERVE2 or ACTION passed, so the agent sends FREE or UNDO.
	 */
	if ((st = fz_pass(fz.jobreg, &p, MODE_SET_RESERVE1)) == 0 && foreign == 1)
		st = SNMP_ERR_GENERR;
	if (st == 0 && (st = fz_pass(fz.jobreg, &p, MODE_SET_RESERVE2)) == 0 && foreign == 2)
		st = SNMP_ERR_GENERR;
	if (st == 0) {
		if ((st = fz_pass(fz.jobreg, &p, MODE_SET_ACTION)) == 0 && foreign == 3)
			st = SNMP_ERR_GENERR;
		if (st == 0) {
			if (fz_pass(fz.jobreg, &p, MODE_SET_COMMIT) != 0)
				FZ_FAIL("COMMIT failed");
		} else if (fz_pass(fz.jobreg, &p, MODE_SET_UNDO) != 0) {
			FZ_FAIL("UNDO failed");
		}
	} else if (fz_pass(fz.jobreg, &p, MODE_SET_FREE) != 0) {
		FZ_FAIL("FREE failed");
	}

	if (getenv("VDS_FUZZ_VERBOSE")) /* for writing seeds: what the SET got */
		fprintf(stderr,
		        "SET of %zu varbinds (foreign failure %d): error %d, %zu -> %zu rows\n",
		        p.n, foreign, st, before.nrows, vtab_count(job_table()));
	if (st != 0) {
		fz_snapshot(&after);
		if (after.nrows != before.nrows || after.len != before.len ||
		    (before.len && memcmp(after.buf, before.buf, before.len) != 0))
			FZ_FAIL("a SET that failed (error %d) changed the job table", st);
	} else {
		fz_check_accepted(&p, &before, existed);
	}
	fz_see_rows();
	fz_drain();
	if (pre & 128) {
		/* What was answered is what was recorded: a restart shows the same table. */
		fz_snapshot(&before);
		fz_engine_down();
		fz_engine_up();
		fz_forget_unused();
		fz_snapshot(&after);
		if (after.nrows != before.nrows || after.len != before.len ||
		    (before.len && memcmp(after.buf, before.buf, before.len) != 0))
			FZ_FAIL("after a SET (error %d), a restart changed the job table (%zu -> "
			        "%zu rows)",
			        st, before.nrows, after.nrows);
	}
	fz_check_next_handle();
	fz_check_next_handle();
	fz_pdu_free(&p);
	return 0;
}
