/*
 * registry.c - every provider compiled in, and the set a config enables.
 */
#include "config.h"

#include <string.h>

#include "log.h"
#include "registry.h"
#ifdef ENABLE_SIM
#include "sim.h"
#endif

#define PROV_MAX 16

const struct prov_ops *const prov_registry[] = {
#ifdef ENABLE_SIM
    &sim_provider,
#endif
    NULL,
};

static struct {
	const struct prov_ops *ops;
	void *state;
} prov_started_list[PROV_MAX];
static size_t prov_nstarted;

const struct prov_ops *
prov_lookup(const char *name)
{
	for (size_t i = 0; prov_registry[i]; i++)
		if (strcmp(prov_registry[i]->name, name) == 0)
			return prov_registry[i];
	return NULL;
}

static int
prov_start_one(const struct vds_conf *conf, const char *name)
{
	const struct prov_ops *ops = prov_lookup(name);
	void *state = NULL;

	if (!ops) {
		log_warnx("prov", "provider \"%s\" is not compiled into this vdsd", name);
		return -1;
	}
	if (prov_started(ops))
		return 0;
	if (prov_nstarted >= PROV_MAX || (ops->init && ops->init(conf, &state) < 0)) {
		log_warnx("prov", "provider \"%s\" failed to start", name);
		return -1;
	}
	prov_started_list[prov_nstarted].ops = ops;
	prov_started_list[prov_nstarted].state = state;
	prov_nstarted++;
	log_info("prov", "provider %s started", name);
	return 0;
}

int
prov_start_all(const struct vds_conf *conf)
{
	if (conf->providers.n == 0)
		return prov_start_one(conf, "sim") < 0 ? (prov_stop_all(), -1) : 0;
	for (size_t i = 0; i < conf->providers.n; i++)
		if (prov_start_one(conf, conf->providers.v[i]) < 0) {
			prov_stop_all();
			return -1;
		}
	return 0;
}

void
prov_stop_all(void)
{
	while (prov_nstarted > 0) {
		prov_nstarted--;
		if (prov_started_list[prov_nstarted].ops->fini)
			prov_started_list[prov_nstarted].ops->fini(
			    prov_started_list[prov_nstarted].state);
		prov_started_list[prov_nstarted].ops = NULL;
		prov_started_list[prov_nstarted].state = NULL;
	}
}

void *
prov_state(const struct prov_ops *ops)
{
	for (size_t i = 0; i < prov_nstarted; i++)
		if (prov_started_list[i].ops == ops)
			return prov_started_list[i].state;
	return NULL;
}

int
prov_started(const struct prov_ops *ops)
{
	for (size_t i = 0; i < prov_nstarted; i++)
		if (prov_started_list[i].ops == ops)
			return 1;
	return 0;
}
