/* The process `rlite exec` runs: a process.json as conmon and containerd's
 * shim write it, or the container's own process from config.json with the
 * command line and runc's exec flags applied the way runc applies them
 * (runc 1.1 utils_linux.go getProcess).  See container.h. */
#include "runtime/container.h"
#include "spec/json.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int strv_set(struct rl_strv *sv, char *const *v, size_t n, const char *what,
		    struct rl_error *err)
{
	char **nv = calloc(n + 1, sizeof(char *));

	if (!nv)
		return rl_error_set(err, ENOMEM, "%s", what);
	for (size_t i = 0; i < n; i++) {
		nv[i] = strdup(v[i]);
		if (!nv[i]) {
			struct rl_strv tmp = {.v = nv, .n = i};

			rl_strv_free(&tmp);
			return rl_error_set(err, ENOMEM, "%s", what);
		}
	}
	rl_strv_free(sv);
	sv->v = nv;
	sv->n = n;
	return 0;
}

/* KEY=VALUE replaces an entry of the same KEY, or is appended: a variable
 * given twice would leave getenv(3) in the process with the first. */
static int env_put(struct rl_strv *env, const char *kv, struct rl_error *err)
{
	size_t klen = strcspn(kv, "=");
	char *dup = strdup(kv), **nv;

	if (!kv[klen] || klen == 0) {
		free(dup);
		return rl_error_set(err, 0, "--env: \"%s\": must be KEY=VALUE", kv);
	}
	if (!dup)
		return rl_error_set(err, ENOMEM, "--env");
	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], kv, klen + 1) == 0) {
			free(env->v[i]);
			env->v[i] = dup;
			return 0;
		}
	nv = realloc(env->v, (env->n + 2) * sizeof(char *));
	if (!nv) {
		free(dup);
		return rl_error_set(err, ENOMEM, "--env");
	}
	nv[env->n++] = dup;
	nv[env->n] = NULL;
	env->v = nv;
	return 0;
}

static int parse_id(const char *s, const char *what, uint32_t *out, struct rl_error *err)
{
	char *end = NULL;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > UINT32_MAX - 1 || s[0] == '-')
		return rl_error_set(err, 0, "%s: \"%s\": not a numeric id", what, s);
	*out = (uint32_t)v;
	return 0;
}

/* -u UID[:GID]: numbers only, as runc's exec takes them. */
static int set_user(struct rl_user *u, const char *spec, struct rl_error *err)
{
	char buf[64], *colon;

	if (strlen(spec) >= sizeof(buf))
		return rl_error_set(err, 0, "--user: \"%s\": not UID[:GID]", spec);
	strcpy(buf, spec);
	colon = strchr(buf, ':');
	if (colon) {
		*colon = '\0';
		if (parse_id(colon + 1, "--user", &u->gid, err) < 0)
			return -1;
	}
	return parse_id(buf, "--user", &u->uid, err);
}

/* -g GID, repeatable, and each may be a comma-separated list. */
static int add_gids(struct rl_user *u, char *const *gids, size_t n, struct rl_error *err)
{
	for (size_t i = 0; i < n; i++) {
		char buf[4096], *tok, *save = NULL;

		if (strlen(gids[i]) >= sizeof(buf))
			return rl_error_set(err, E2BIG, "--additional-gids");
		strcpy(buf, gids[i]);
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			uint32_t gid, *nv;

			if (parse_id(tok, "--additional-gids", &gid, err) < 0)
				return -1;
			nv = realloc(u->additional_gids, (u->n_additional_gids + 1) * sizeof(*nv));
			if (!nv)
				return rl_error_set(err, ENOMEM, "--additional-gids");
			nv[u->n_additional_gids++] = gid;
			u->additional_gids = nv;
		}
	}
	return 0;
}

/* -c CAP_X: into bounding, effective and permitted; into ambient only when
 * the process has inheritable capabilities at all, since the kernel raises
 * an ambient capability only when it is inheritable too (runc's rule). */
static int add_caps(struct rl_process *p, char *const *caps, size_t n, struct rl_error *err)
{
	for (size_t i = 0; i < n; i++) {
		int cap = rl_cap_from_name(caps[i]);
		uint64_t bit;

		if (cap < 0)
			return rl_error_set(err, 0, "--cap: unknown capability \"%s\"", caps[i]);
		bit = UINT64_C(1) << cap;
		if (!p->capabilities) {
			p->capabilities = calloc(1, sizeof(*p->capabilities));
			if (!p->capabilities)
				return rl_error_set(err, ENOMEM, "--cap");
		}
		p->capabilities->bounding |= bit;
		p->capabilities->effective |= bit;
		p->capabilities->permitted |= bit;
		if (p->capabilities->inheritable)
			p->capabilities->ambient |= bit;
	}
	return 0;
}

static int apply_flags(const struct rl_exec_request *r, struct rl_process *p, struct rl_error *err)
{
	char *cwd;

	if (r->n_args && strv_set(&p->args, r->args, r->n_args, "process args", err) < 0)
		return -1;
	p->terminal = r->tty;
	if (r->cwd) {
		if (r->cwd[0] != '/')
			return rl_error_set(err, 0, "--cwd: \"%s\": must be an absolute path",
					    r->cwd);
		cwd = strdup(r->cwd);
		if (!cwd)
			return rl_error_set(err, ENOMEM, "--cwd");
		free(p->cwd);
		p->cwd = cwd;
	}
	for (size_t i = 0; i < r->n_env; i++)
		if (env_put(&p->env, r->env[i], err) < 0)
			return -1;
	if (r->user && set_user(&p->user, r->user, err) < 0)
		return -1;
	if (add_gids(&p->user, r->gids, r->n_gids, err) < 0 ||
	    add_caps(p, r->caps, r->n_caps, err) < 0)
		return -1;
	if (r->no_new_privs)
		p->no_new_privileges = true;
	return 0;
}

/* A label the file leaves out is the container's, as in runc
 * (newInitConfig): leaving the field out must not take the process out of
 * the container's confinement. */
static int inherit_label(char **field, const char *ctr, struct rl_error *err)
{
	if ((*field && (*field)[0]) || !ctr || !ctr[0])
		return 0;
	free(*field);
	*field = strdup(ctr);
	return *field ? 0 : rl_error_set(err, ENOMEM, "exec: process labels");
}

static int inherit_labels(struct rl_process *p, const struct rl_process *ctr, struct rl_error *err)
{
	if (!ctr)
		return 0;
	if (inherit_label(&p->apparmor_profile, ctr->apparmor_profile, err) < 0 ||
	    inherit_label(&p->selinux_label, ctr->selinux_label, err) < 0)
		return -1;
	return 0;
}

int rl_exec_process(const struct rl_exec_request *r, struct rl_config *cfg, struct rl_process **out,
		    struct rl_error *err)
{
	struct rl_process *p = NULL;

	if (r->process_file) {
		/* The file as it is (runc's reading), but for the labels it
		 * leaves out; the flags that would change it are for the
		 * command-line form, but --tty. */
		if (r->n_args)
			return rl_error_set(err, 0, "exec: a command and --process \"%s\" together",
					    r->process_file);
		if (rl_process_load(r->process_file, &p, err) < 0)
			return -1;
		if (r->tty)
			p->terminal = true;
		if (inherit_labels(p, cfg->process, err) < 0) {
			rl_process_free(p);
			return -1;
		}
	} else {
		if (!r->n_args)
			return rl_error_set(err, 0,
					    "exec: a command is required (or --process FILE)");
		if (!cfg->process)
			return rl_error_set(err, 0, "config.json: process: is required for exec");
		p = cfg->process;
		cfg->process = NULL;
		if (apply_flags(r, p, err) < 0) {
			rl_process_free(p);
			return -1;
		}
	}
	*out = p;
	return 0;
}
