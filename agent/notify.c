/* SPDX-License-Identifier: ISC */
/*
 * notify.c - build and send VDS-MIB notifications.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "agentx.h"
#include "holdq.h"
#include "log.h"
#include "job.h"
#include "mib_inv.h"
#include "mib_job.h"
#include "mib_oids.h"
#include "notify.h"
#include "notify_rebuild.h"

static const oid nt_trap_oid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0}; /* snmpTrapOID.0 */

static int
nt_add_column(netsnmp_variable_list **vars, const struct mib_table *t, const void *row, oid col)
{
	const struct mib_col *c = mib_table_col(t, col);
	struct mib_value v;
	oid name[MAX_OID_LEN];
	u_long ul;
	long l;
	const void *val;
	size_t len;

	if (!c || mib_table_value(t, c, row, &v) < 0)
		return -1;
	memcpy(name, t->base, t->base_len * sizeof(oid));
	name[t->base_len] = col;
	name[t->base_len + 1] = t->scalar ? 0 : VTAB_INDEX(row);
	switch (v.type) {
	case ASN_OCTET_STR:
		val = v.str;
		len = v.len;
		break;
	case ASN_COUNTER64:
		val = &v.n.c64;
		len = sizeof(v.n.c64);
		break;
	case ASN_INTEGER:
		l = v.n.i;
		val = &l;
		len = sizeof(l);
		break;
	default:
		ul = v.n.u32;
		val = &ul;
		len = sizeof(ul);
	}
	return snmp_varlist_add_variable(vars, name, t->base_len + 2, v.type, val, len) ? 0 : -1;
}

/* A notification built, to be sent. */
struct nt_out {
	netsnmp_variable_list *vars;
	char what[80]; /* "ARC for TABLE.INDEX", for the log */
};

static void
nt_emit(void *data, void *arg)
{
	struct nt_out *o = data;

	(void)arg;
	if (agentx_notify(o->vars) == 0)
		log_debug("notify", "sent notification %s", o->what);
	else
		log_debug("notify", "notification %s not sent: no master", o->what);
	free(o);
	agentx_update();
}

/*
 * Object notifications a provider's commit caused wait until its state
 * write landed: nothing is announced that is not recorded (holdq.h).
 */
static struct holdq ntq = {.tail = &ntq.head, .emit = nt_emit};

static struct nt_out *
nt_build(oid arc, const struct mib_table *t, const void *row, const oid *cols, size_t ncols)
{
	oid trap[] = {VDS_MIB_ROOT, VDS_NOTIFICATIONS, arc};
	struct nt_out *o = calloc(1, sizeof(*o));

	if (!o || !snmp_varlist_add_variable(&o->vars, nt_trap_oid, OID_LENGTH(nt_trap_oid),
	                                     ASN_OBJECT_ID, trap, sizeof(trap)))
		goto fail;
	for (size_t i = 0; i < ncols; i++)
		if (nt_add_column(&o->vars, t, row, cols[i]) < 0)
			goto fail;
	snprintf(o->what, sizeof(o->what), "%lu for %s.%u", (unsigned long)arc, t->name,
	         t->scalar ? 0 : VTAB_INDEX(row));
	return o;
fail:
	log_warnx("notify", "cannot build notification %lu", (unsigned long)arc);
	if (o)
		snmp_free_varbind(o->vars);
	free(o);
	return NULL;
}

int
notify_send(oid arc, const struct mib_table *t, const void *row, const oid *cols, size_t ncols)
{
	struct nt_out *o = nt_build(arc, t, row, cols, ncols);

	if (!o)
		return -1;
	holdq_put(&ntq, o);
	return 0;
}

static const oid nt_disk_cols[] = {VDS_DISK_NAME, VDS_DISK_DEVNODE, VDS_DISK_SERIAL, VDS_DISK_SIZE};
static const oid nt_part_cols[] = {VDS_PART_DISK_INDEX, VDS_PART_NUMBER, VDS_PART_OFFSET,
                                   VDS_PART_SIZE};
static const oid nt_vol_cols[] = {VDS_VOL_NAME, VDS_VOL_DEVNODE, VDS_VOL_SIZE, VDS_VOL_HEALTH};
static const oid nt_vdisk_cols[] = {VDS_VDISK_PATH, VDS_VDISK_DEVNODE, VDS_VDISK_VIRTUAL_SIZE};
static const oid nt_pack_cols[] = {VDS_PACK_NAME, VDS_PACK_SIZE};

struct nt_map {
	enum inv_class cls;
	const struct mib_table *table;
	oid arrived, removed, modified; /* 0: none */
	const oid *cols;
	size_t ncols;
};

#define NT_COLS(a) a, sizeof(a) / sizeof(a[0])
static const struct nt_map nt_maps[] = {
    {INV_DISK, &mib_disk_table, VDS_NOTIF_DISK_ARRIVED, VDS_NOTIF_DISK_REMOVED, 0,
     NT_COLS(nt_disk_cols)},
    {INV_PARTITION, &mib_part_table, VDS_NOTIF_PARTITION_ARRIVED, VDS_NOTIF_PARTITION_REMOVED, 0,
     NT_COLS(nt_part_cols)},
    {INV_VOLUME, &mib_volume_table, VDS_NOTIF_VOLUME_ARRIVED, VDS_NOTIF_VOLUME_REMOVED,
     VDS_NOTIF_VOLUME_MODIFIED, NT_COLS(nt_vol_cols)},
    {INV_VDISK, &mib_vdisk_table, VDS_NOTIF_VDISK_ARRIVED, VDS_NOTIF_VDISK_REMOVED, 0,
     NT_COLS(nt_vdisk_cols)},
    {INV_PACK, &mib_pack_table, VDS_NOTIF_PACK_ARRIVED, VDS_NOTIF_PACK_REMOVED, 0,
     NT_COLS(nt_pack_cols)},
};

static void
nt_inv_changed(enum inv_class cls, enum inv_event ev, const void *row, void *arg)
{
	for (size_t i = 0; i < sizeof(nt_maps) / sizeof(nt_maps[0]); i++) {
		const struct nt_map *m = &nt_maps[i];
		oid arc = ev == INV_EV_ARRIVED   ? m->arrived
		          : ev == INV_EV_REMOVED ? m->removed
		                                 : m->modified;

		if (m->cls == cls && arc)
			notify_send(arc, m->table, row, m->cols, m->ncols);
	}
	if (cls == INV_PLEX)
		notify_rebuild_plex(ev, row);
}

const struct inv_observer notify_inv_observer = {
    .changed = nt_inv_changed,
    .arg = NULL,
};

static const oid nt_job_done_cols[] = {
    VDS_JOB_TYPE,     VDS_JOB_STATUS,        VDS_JOB_RESULT,   VDS_JOB_HRESULT,
    VDS_JOB_O_OFFSET, VDS_JOB_O_PARTITION,   VDS_JOB_O_VOLUME, VDS_JOB_O_RECLAIMED,
    VDS_JOB_O_VDISK,  VDS_JOB_ERROR_MESSAGE,
};
static const oid nt_job_progress_cols[] = {VDS_JOB_STATUS, VDS_JOB_PERCENT};

/* A job's own notifications are about its row, recorded by now: never held. */
static void
nt_job_send(oid arc, const struct job *j, const oid *cols, size_t ncols)
{
	struct nt_out *o = nt_build(arc, &mib_job_table, j, cols, ncols);

	if (o)
		nt_emit(o, NULL);
}

static unsigned
nt_hold(void *arg)
{
	(void)arg;
	return holdq_hold(&ntq);
}

static void
nt_release(unsigned held, void *arg)
{
	(void)arg;
	holdq_release(&ntq, held);
}

static void
nt_job_completed(const struct job *j, void *arg)
{
	(void)arg;
	nt_job_send(VDS_NOTIF_JOB_COMPLETED, j, NT_COLS(nt_job_done_cols));
}

static void
nt_job_progress(const struct job *j, void *arg)
{
	(void)arg;
	nt_job_send(VDS_NOTIF_JOB_PROGRESS, j, NT_COLS(nt_job_progress_cols));
}

const struct job_observer notify_job_observer = {
    .completed = nt_job_completed,
    .progress = nt_job_progress,
    .hold = nt_hold,
    .release = nt_release,
    .arg = NULL,
};
