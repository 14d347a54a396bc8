/* What the linux.resources unit tests share (test_cgroup_res.c: the plan,
 * test_cgroup_apply.c: writing it): where-tables for the host layouts and
 * linux.resources parsed from a JSON snippet written with single quotes
 * (dq() makes them JSON). */
#ifndef RL_TESTS_UNIT_RESOURCES_H
#define RL_TESTS_UNIT_RESOURCES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "runtime/cgroup.h"
#include "spec/config_internal.h"

static const int V1[RL_CG__COUNT] __attribute__((unused)) = {
    [RL_CG_CPU] = 1,	 [RL_CG_CPUACCT] = 1, [RL_CG_CPUSET] = 1,   [RL_CG_MEMORY] = 1,
    [RL_CG_DEVICES] = 1, [RL_CG_FREEZER] = 1, [RL_CG_BLKIO] = 1,    [RL_CG_PIDS] = 1,
    [RL_CG_HUGETLB] = 1, [RL_CG_NET_CLS] = 1, [RL_CG_NET_PRIO] = 1, [RL_CG_RDMA] = 1,
};
static const int V2[RL_CG__COUNT] __attribute__((unused)) = {
    [RL_CG_CPU] = 2,   [RL_CG_CPUSET] = 2, [RL_CG_MEMORY] = 2,
    [RL_CG_BLKIO] = 2, [RL_CG_PIDS] = 2,   [RL_CG_HUGETLB] = 2,
    [RL_CG_RDMA] = 2,  [RL_CG_MISC] = 2,   [RL_CG_CORE] = 2,
};
/* this host: v1 controllers, hugetlb on the cgroup2 mount, no net_cls */
static const int HYBRID[RL_CG__COUNT] __attribute__((unused)) = {
    [RL_CG_CPU] = 1,	 [RL_CG_CPUACCT] = 1, [RL_CG_CPUSET] = 1, [RL_CG_MEMORY] = 1,
    [RL_CG_DEVICES] = 1, [RL_CG_FREEZER] = 1, [RL_CG_BLKIO] = 1,  [RL_CG_PIDS] = 1,
    [RL_CG_HUGETLB] = 2, [RL_CG_CORE] = 2,
};
static const int NONE[RL_CG__COUNT] __attribute__((unused)) = {0};

static __attribute__((unused)) char *dq(const char *s)
{
	char *t = strdup(s);

	for (char *p = t; p && *p; p++)
		if (*p == '\'')
			*p = '"';
	return t;
}

static __attribute__((unused)) struct rl_resources *parse_res(const char *snippet)
{
	struct rl_error e = {0};
	struct rl_jctx c = {.name = "config.json", .err = &e};
	struct rl_resources *r = NULL;
	char *json = dq(snippet), ebuf[256];
	yajl_val v = yajl_tree_parse(json, ebuf, sizeof(ebuf));

	free(json);
	if (!v || rl_parse_resources(&c, v, "linux.resources", &r) < 0)
		printf("# bad snippet %s: %s\n", snippet, v ? e.msg : ebuf);
	yajl_tree_free(v);
	return r;
}

#endif
