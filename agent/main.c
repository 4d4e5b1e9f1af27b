/* SPDX-License-Identifier: ISC */
/*
 * main.c - vdsd: options, configuration, start-up order and shutdown.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: vdsd [-f] [-d] [-c FILE] [-x SOCKET]\n"
	           "  -c FILE    configuration file (default " VDS_DEFAULT_CONFIG ")\n"
	           "  -f         stay in the foreground and log to stderr\n"
	           "  -d         more debugging output (repeat for Net-SNMP debugging)\n"
	           "  -x SOCKET  AgentX master socket (overrides agentXSocket)\n"
	           "  -t         check the configuration and exit\n"
	           "  -h, -v     help, version\n");
}

int
main(int argc, char **argv)
{
	struct daemon_opts o = {.config = VDS_DEFAULT_CONFIG};
	int c;

	while ((c = getopt(argc, argv, "c:fdx:thv")) != -1) {
		switch (c) {
		case 'c':
			o.config = optarg;
			o.config_given = 1;
			break;
		case 'f':
			o.foreground = 1;
			break;
		case 'd':
			o.debug++;
			break;
		case 'x':
			o.agentx_socket = optarg;
			break;
		case 't':
			o.check_only = 1;
			break;
		case 'v':
			printf("vdsd %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	return daemon_main(&o);
}
