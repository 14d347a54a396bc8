/* A container's cgroups: names, directories, making, recording, joining,
 * acting on their processes, removing.  See cgroup.h. */
#include "runtime/cgroup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *v1, *v2;
} ctrl_names[RL_CG__COUNT] = {
    [RL_CG_CPU] = {"cpu", "cpu"},
    [RL_CG_CPUACCT] = {"cpuacct", NULL},
    [RL_CG_CPUSET] = {"cpuset", "cpuset"},
    [RL_CG_MEMORY] = {"memory", "memory"},
    [RL_CG_DEVICES] = {"devices", NULL},
    [RL_CG_FREEZER] = {"freezer", NULL},
    [RL_CG_BLKIO] = {"blkio", "io"},
    [RL_CG_PIDS] = {"pids", "pids"},
    [RL_CG_HUGETLB] = {"hugetlb", "hugetlb"},
    [RL_CG_NET_CLS] = {"net_cls", NULL},
    [RL_CG_NET_PRIO] = {"net_prio", NULL},
    [RL_CG_RDMA] = {"rdma", "rdma"},
    [RL_CG_PERF_EVENT] = {"perf_event", "perf_event"},
    [RL_CG_MISC] = {"misc", "misc"},
    [RL_CG_CORE] = {NULL, NULL},
};

const char *rl_cg_ctrl_name(enum rl_cg_ctrl c, bool v2)
{
	if ((unsigned)c >= RL_CG__COUNT)
		return NULL;
	return v2 ? ctrl_names[c].v2 : ctrl_names[c].v1;
}

int rl_cg_ctrl_from_name(const char *name)
{
	for (int c = 0; c < RL_CG__COUNT; c++)
		if ((ctrl_names[c].v1 && strcmp(ctrl_names[c].v1, name) == 0) ||
		    (ctrl_names[c].v2 && strcmp(ctrl_names[c].v2, name) == 0))
			return c;
	return -1;
}

const char *rl_cg_dir_path(const struct rl_cg_dir *d, const char *file, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", d->mount, d->path, file ? "/" : "", file ? file : "");
	return buf;
}

const struct rl_cg_dir *rl_cg_find(const struct rl_cgroup *cg, enum rl_cg_ctrl c)
{
	for (size_t i = 0; cg && i < cg->n; i++)
		if (cg->d[i].ctrls & RL_CG_BIT(c))
			return &cg->d[i];
	return NULL;
}

void rl_cg_free(struct rl_cgroup *cg)
{
	for (size_t i = 0; cg && i < cg->n; i++) {
		free(cg->d[i].mount);
		free(cg->d[i].path);
	}
	if (cg) {
		free(cg->d);
		cg->d = NULL;
		cg->n = 0;
	}
}
