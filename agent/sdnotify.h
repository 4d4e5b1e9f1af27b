/* SPDX-License-Identifier: ISC */
/*
 * sdnotify.h - tell the service manager how vdsd is doing (systemd's
 * Type=notify protocol on $NOTIFY_SOCKET): ready, reloading, stopping and a
 * one-line status.  Each call is one non-blocking datagram; without
 * NOTIFY_SOCKET (not started by systemd), nothing is sent.  Loop thread only.
 */
#ifndef VDS_SDNOTIFY_H
#define VDS_SDNOTIFY_H

/* READY=1 with STATUS=status (NULL: no status). */
void sdn_ready(const char *status);
/* STATUS=status: what vdsd does or waits for. */
void sdn_status(const char *status);
/* RELOADING=1 and MONOTONIC_USEC (systemd 253's Type=notify-reload). */
void sdn_reloading(void);
/* STOPPING=1 with STATUS=status. */
void sdn_stopping(const char *status);

#endif
