/* SPDX-License-Identifier: ISC */
/*
 * mib_table.h - one generic handler for every VDS-MIB table and scalar
 * group: GET and GETNEXT answered from a struct vtab in O(log n), columns
 * described by a kind and an offset into the row struct.
 */
#ifndef VDS_MIB_TABLE_H
#define VDS_MIB_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "vtab.h"

enum mib_kind {
	MK_U32,     /* uint32_t -> Unsigned32 */
	MK_GAUGE,   /* uint32_t -> Gauge32 */
	MK_COUNTER, /* uint32_t -> Counter32 */
	MK_INT,     /* int (enum) -> INTEGER */
	MK_BOOL,    /* int -> TruthValue true(1)/false(2) */
	MK_STR,     /* char[] -> OCTET STRING */
	MK_PSTR,    /* char * (NULL: empty) -> OCTET STRING */
	MK_BYTES,   /* uint64_t -> Counter64 (VdsBytes) */
	MK_TIME,    /* time_t -> DateAndTime (UTC) */
	MK_BITS8,   /* unsigned -> BITS, bit n of the value is BITS bit n */
	MK_SIZE,    /* size_t -> Gauge32 */
	MK_FN,      /* computed by fn */
};

struct mib_value {
	u_char type;
	union {
		uint32_t u32;
		long i;
		struct counter64 c64;
	} n;
	const void *str;
	size_t len;
	u_char buf[16];
};

struct mib_col {
	oid subid;
	enum mib_kind kind;
	size_t off;
	/* MK_FN: fill v from row (NULL row for scalars); 0 or -1 (no value). */
	int (*fn)(const void *row, struct mib_value *v);
};

/* In a column's off: the offset is into the table's part(row), not into the row. */
#define MIB_PART ((size_t)1 << (8 * sizeof(size_t) - 1))
/* In a column's off: an MK_U32, MK_INT or MK_BOOL field that is a uint8_t. */
#define MIB_U8 ((size_t)1 << (8 * sizeof(size_t) - 2))

struct mib_table {
	const char *name;
	oid base[MAX_OID_LEN]; /* the entry OID (xxxTable.1), or the scalar group */
	size_t base_len;
	int scalar; /* instances are base.col.0 and rows is NULL */
	const struct mib_col *cols;
	size_t ncols;
	const struct vtab *(*rows)(void);
	/* Optional: the second struct of a row that columns with `part` read. */
	const void *(*part)(const void *row);
	/* Optional: SET modes; NULL makes the subtree read-only. */
	Netsnmp_Node_Handler *set;
};

int mib_table_register(const struct mib_table *t);
/* Value of column col of row (NULL for scalars); -1 when it has none. */
int mib_table_value(const struct mib_table *t, const struct mib_col *col, const void *row,
                    struct mib_value *v);
const struct mib_col *mib_table_col(const struct mib_table *t, oid subid);
/* v = the OCTET STRING s ("" for NULL; s must outlive v); 0, for MK_FN columns to return. */
int mib_value_str(struct mib_value *v, const char *s);
/* Encode t as an 8-octet DateAndTime in UTC into buf; 0 gives 0-1-1,0:0:0.0. */
size_t mib_date_and_time(int64_t t, int millis, u_char *buf);
/* The table's handler, for subtrees that add SET support around it. */
Netsnmp_Node_Handler mib_table_handler;

#define MIB_COLS(a) (a), (sizeof(a) / sizeof((a)[0]))

#endif
