/* SPDX-License-Identifier: ISC */
/*
 * vcfields.h - the columns of the VDS-MIB tables as data: MIB column number,
 * name (the MIB object name without its table prefix), value kind, where it
 * lives in the client structs of vdsclient.h, and enumeration labels.  The
 * client library reads rows with it; vdsctl prints tables and JSON with it.
 */
#ifndef VDS_CLIENT_FIELDS_H
#define VDS_CLIENT_FIELDS_H

#include <stddef.h>
#include <stdint.h>

enum vcf_kind {
	VCF_INT,    /* INTEGER (enumerations): uint32_t */
	VCF_UNS,    /* Unsigned32, Gauge32, Counter32: uint32_t */
	VCF_HEX,    /* Unsigned32 shown in hex (HRESULT): uint32_t */
	VCF_BYTES,  /* VdsBytes (Counter64): uint64_t */
	VCF_STR,    /* OCTET STRING: char[size] */
	VCF_TIME,   /* DateAndTime: int64_t seconds since the epoch, 0 = none */
	VCF_BITS,   /* BITS: uint32_t, bit n = MIB bit n */
	VCF_BOOL,   /* TruthValue: uint32_t, 1 true, 2 false, 0 not read */
	VCF_REF,    /* Unsigned32 index of a row of another table: uint32_t, 0 = none */
	VCF_SIGNED, /* Integer32 that is a number (a temperature): uint32_t holding its bits */
};

struct vcf_field {
	uint8_t col;
	uint8_t kind;
	uint16_t off;
	uint16_t size;
	const char *name;
	const char *const *labels; /* INT: labels[v] (NULL-terminated); BITS: labels[bit] */
};

struct vcf_table {
	const char *name; /* "disk", "partition", ... */
	size_t row_size;
	const struct vcf_field *fields;
	size_t nfields;
	/* 0: every field is always there; else the offset of a uint32_t in
	 * the row whose bit i says fields[i] was read (a sparse table). */
	size_t have_off;
};

/* The description of table t (enum vc_table), NULL if unknown. */
const struct vcf_table *vcf_table(int t);
/* The field of column col in t, NULL if unknown. */
const struct vcf_field *vcf_field(const struct vcf_table *t, unsigned col);
/* The field named name in t, NULL if unknown. */
const struct vcf_field *vcf_field_by_name(const struct vcf_table *t, const char *name);
/* The label of an INT value, or NULL when there is none. */
const char *vcf_label(const struct vcf_field *f, uint32_t v);
/* Record that field f of row was read; whether it was (always 1 unless sparse). */
void vcf_mark(const struct vcf_table *t, void *row, const struct vcf_field *f);
int vcf_has(const struct vcf_table *t, const void *row, const struct vcf_field *f);
/* Value of a uint32_t / uint64_t / string field of row. */
uint32_t vcf_u32(const void *row, const struct vcf_field *f);
uint64_t vcf_u64(const void *row, const struct vcf_field *f);
const char *vcf_str(const void *row, const struct vcf_field *f);

#endif
