/*
 * basic_tool.h - what the basic provider runs outside itself: external
 * tools as child processes (fork/execve, fixed argv, no shell, output
 * captured, killed on cancel while that is still allowed) and temporary
 * loop devices that expose one partition of a disk (LOOP_CONFIGURE with
 * offset and size limit, autoclear, detached again by the caller).
 * Worker thread only.
 */
#ifndef VDS_BASIC_TOOL_H
#define VDS_BASIC_TOOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "provider.h"

struct btool {
	const char *const *argv; /* argv[0]: absolute path of the tool */
	/* Every chunk the tool writes (stdout and stderr merged); may be NULL. */
	void (*data)(void *arg, const char *buf, size_t n);
	void *arg;
	struct prov_job *j; /* killed when j is cancelled; NULL: never */
	/* Results. */
	int status;     /* exit code, or 128 + signal when killed */
	int cancelled;  /* killed because of a cancel */
	char tail[512]; /* the last output, for messages */
};

/* Run t->argv to its end.  0 when it ran (see t->status), -1 when it could not start. */
int btool_run(struct btool *t);

struct bloop {
	char dev[32]; /* "/dev/loopN", "" when none */
	int fd;
};

/*
 * Attach a loop device over [offset, offset + size) of backing (read-only
 * when ro).  0, or -1 with errno set.
 */
int bloop_attach(const char *backing, uint64_t offset, uint64_t size, int ro, struct bloop *l);
/* Detach exactly l->dev (if attached); safe to call twice. */
void bloop_detach(struct bloop *l);

#endif
