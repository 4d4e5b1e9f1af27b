/* SPDX-License-Identifier: ISC */
/*
 * snmplat.h - what the commands of the benchmark client share (snmplat.c:
 * sessions, requests, statistics; traplat.c: the notification timings).
 */
#ifndef VDS_BENCH_SNMPLAT_H
#define VDS_BENCH_SNMPLAT_H

#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

/* Reads use community "public" (rd_sess), writes "private" (wr_sess). */
extern void *rd_sess, *wr_sess;

/* One varbind of a SET: column, type (i, u or s), value ("%d": the job number). */
struct colspec {
	oid col;
	char type;
	const char *val;
};

double now_ms(void); /* CLOCK_MONOTONIC, in ms */
__attribute__((noreturn)) void die(const char *what);
size_t parse_oid(const char *s, oid *o);
/* One request; returns the response (caller frees) or NULL. */
netsnmp_pdu *ask(void *sess, netsnmp_pdu *req);
/* GET an integer-like value; 1 when it answered with a value. */
int get_u(const oid *o, size_t len, unsigned long *v);
/* Sorts v; prints n, median, p90, p99 and max. */
void report(const char *name, double *v, size_t n, unsigned errors);
/* SET the columns c of row h of the table entry; 1 when it answered noError. */
int set_row(const oid *entry, size_t elen, uint32_t h, int num, const struct colspec *c, int nc);
int parse_cols(int argc, char **argv, struct colspec *c);

int cmd_trapjobs(int argc, char **argv);
int cmd_trapset(int argc, char **argv);

#endif
