/* Unit tests of runtime/idmount.c's pure part: which mounts are idmapped,
 * where their mapping comes from, and what is refused before anything
 * starts (runtime-spec config.md "Mounts": idmap, ridmap, uidMappings and
 * gidMappings). */
#include <string.h>

#include "runtime/clone.h"
#include "runtime/idmount.h"
#include "tap.h"

struct fixture {
	struct rl_config cfg;
	struct rl_linux lx;
	struct rl_namespace ns[2];
	struct rl_mount m;
	char *opts[4];
	struct rl_idmap map;
	struct rl_ns_plan plan;
	struct rl_error err;
};

/* One bind mount, no namespaces yet. */
static void fixture(struct fixture *f, const char *type, const char *o1, const char *o2)
{
	memset(f, 0, sizeof(*f));
	f->cfg.linux_ = &f->lx;
	f->lx.namespaces = f->ns;
	f->cfg.mounts = &f->m;
	f->cfg.n_mounts = 1;
	f->m.destination = (char *)"/vol";
	f->m.source = (char *)"/src";
	f->m.type = (char *)type;
	f->m.options.v = f->opts;
	if (o1)
		f->opts[f->m.options.n++] = (char *)o1;
	if (o2)
		f->opts[f->m.options.n++] = (char *)o2;
	f->map = (struct rl_idmap){.container_id = 0, .host_id = 1234, .size = 1};
}

static void with_maps(struct fixture *f, bool uid, bool gid)
{
	f->m.uid_mappings = uid ? &f->map : NULL;
	f->m.n_uid_mappings = uid;
	f->m.gid_mappings = gid ? &f->map : NULL;
	f->m.n_gid_mappings = gid;
}

static void with_userns(struct fixture *f, const char *path)
{
	f->ns[0] = (struct rl_namespace){.type = RL_NS_USER, .path = (char *)path};
	f->lx.n_namespaces = 1;
	if (!path) {
		f->lx.uid_mappings = f->lx.gid_mappings = &f->map;
		f->lx.n_uid_mappings = f->lx.n_gid_mappings = 1;
	}
}

static int kind(struct fixture *f)
{
	if (rl_clone_flags(&f->lx, &f->plan, &f->err) < 0)
		return -2;
	return rl_idmount_kind(&f->cfg, 0, &f->plan, &f->err);
}

static void test_which(void)
{
	struct fixture f;

	fixture(&f, "bind", "rbind", "ro");
	is_int(kind(&f), RL_IDMOUNT_NONE, "a plain bind mount is not idmapped");
	fixture(&f, "tmpfs", "nosuid", NULL);
	is_int(kind(&f), RL_IDMOUNT_NONE, "a tmpfs is not");
	is_int(rl_idmount_check(&f.cfg, &f.plan, &f.err), 0, "and passes the check");

	fixture(&f, "bind", "bind", "idmap");
	with_maps(&f, true, true);
	is_int(kind(&f), RL_IDMOUNT_OWN, "idmap with both mappings: its own");
	fixture(&f, NULL, "rbind", NULL);
	with_maps(&f, true, true);
	is_int(kind(&f), RL_IDMOUNT_OWN, "mappings without idmap: idmapped (as runc)");
	fixture(&f, NULL, "rbind", "ridmap");
	with_userns(&f, NULL);
	is_int(kind(&f), RL_IDMOUNT_CONTAINER,
	       "ridmap, no mappings, a new user ns: the container's");
	fixture(&f, "bind", "idmap", NULL);
	with_userns(&f, "/proc/1/ns/user");
	is_int(kind(&f), RL_IDMOUNT_JOINED, "idmap, no mappings, a joined user ns: that one");
	fixture(&f, "bind", "idmap", NULL);
	with_userns(&f, NULL);
	with_maps(&f, true, true);
	is_int(kind(&f), RL_IDMOUNT_OWN, "its own mappings win over the user namespace's");
}

static void refused(struct fixture *f, const char *want, const char *what)
{
	int k = kind(f);

	ok(k == -1 && strcmp(f->err.msg, want) == 0, "%s: %s", what, f->err.msg);
	is_int(rl_idmount_check(&f->cfg, &f->plan, &f->err), -1, "%s: the check refuses it", what);
}

static void test_refused(void)
{
	struct fixture f;

	fixture(&f, "tmpfs", "idmap", NULL);
	with_maps(&f, true, true);
	refused(&f,
		"config.json: mounts[0].options: only bind mounts can be idmapped (type \"tmpfs\")",
		"idmap on a tmpfs");
	fixture(&f, "proc", NULL, NULL);
	with_maps(&f, true, true);
	refused(
	    &f,
	    "config.json: mounts[0].uidMappings: only bind mounts can be idmapped (type \"proc\")",
	    "uidMappings on proc");
	fixture(&f, "bind", "idmap", NULL);
	with_maps(&f, true, false);
	refused(&f,
		"config.json: mounts[0].gidMappings: required with uidMappings (an idmapped mount "
		"needs both)",
		"uidMappings alone");
	fixture(&f, "bind", "bind", NULL);
	with_maps(&f, false, true);
	refused(&f,
		"config.json: mounts[0].uidMappings: required with gidMappings (an idmapped mount "
		"needs both)",
		"gidMappings alone");
	fixture(&f, "bind", "ridmap", NULL);
	refused(
	    &f,
	    "config.json: mounts[0].options: idmap needs uidMappings and gidMappings, or a user "
	    "namespace",
	    "no mappings, no user namespace");
	fixture(&f, "bind", "idmap", NULL);
	with_maps(&f, true, true);
	f.map.size = 0;
	refused(&f, "config.json: mounts[0].uidMappings[0].size: must not be 0", "a zero size");
}

int main(void)
{
	test_which();
	test_refused();
	return done_testing();
}
