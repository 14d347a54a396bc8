/* rlite.conf; see conf.h. */
#include "runtime/conf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/safepath.h"
#include "runtime/shim.h"

#define CONF_MAX 65536

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int setting(const char *key, const char *value, const char *name, int line,
		   struct rl_conf *c, struct rl_error *err)
{
	if (strcmp(key, "init") == 0) {
		int m = rl_init_mode_parse(value);

		if (m < 0)
			return rl_error_set(err, 0,
					    "%s:%d: init: \"%s\": must be auto, always or never",
					    name, line, value);
		c->init_mode = m;
		return 0;
	}
	return rl_error_set(err, 0, "%s:%d: unknown setting \"%s\"", name, line, key);
}

int rl_conf_parse(const char *text, const char *name, struct rl_conf *c, struct rl_error *err)
{
	char *copy = strdup(text), *l;
	int line = 0, r = 0;

	if (!copy)
		return rl_error_set(err, ENOMEM, "%s", name);
	for (char *p = copy, *next; r == 0 && p; p = next) {
		char *eq, *hash;

		next = strchr(p, '\n');
		if (next)
			*next++ = '\0';
		line++;
		hash = strchr(p, '#');
		if (hash)
			*hash = '\0';
		l = trim(p);
		if (!*l)
			continue;
		eq = strchr(l, '=');
		if (!eq) {
			r = rl_error_set(err, 0, "%s:%d: \"%s\": not key = value", name, line, l);
			break;
		}
		*eq = '\0';
		r = setting(trim(l), trim(eq + 1), name, line, c, err);
	}
	free(copy);
	return r;
}

int rl_conf_load(struct rl_conf *c, struct rl_error *err)
{
	const char *path = getenv("RLITE_CONFIG");
	_rl_fd_ int fd = -1;
	char buf[CONF_MAX + 1];
	size_t have = 0;

	if (!path || !*path)
		path = RL_CONF_DEFAULT;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? 0 : rl_error_set(err, errno, "open \"%s\"", path);
	for (;;) {
		ssize_t n = read(fd, buf + have, CONF_MAX - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rl_error_set(err, errno, "read \"%s\"", path);
		if (n == 0)
			break;
		have += (size_t)n;
		if (have == CONF_MAX)
			return rl_error_set(err, EFBIG, "read \"%s\"", path);
	}
	buf[have] = '\0';
	return rl_conf_parse(buf, path, c, err);
}
