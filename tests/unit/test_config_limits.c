/* Unit tests of the config.json parser's bounds: nesting depth (yajl
 * frees its tree recursively), big but valid documents, and
 * rl_config_load() on files that are missing, not regular, too large or
 * malformed. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/config.h"
#include "tap.h"

/* Documents are written with ' for ", as in test_config_parse.c. */
static char *dq(const char *s)
{
	char *d = strdup(s);

	for (char *p = d; p && *p; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

static const char *errtext(const struct rl_error *err)
{
	static char buf[RL_ERROR_MSG_MAX + 128];

	return rl_error_text(err, buf, sizeof(buf));
}

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(hl + ul * n + tl + 1), *p = s;

	memcpy(p, head, hl);
	p += hl;
	for (size_t i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	return s;
}

static int parse_plain(const char *s, struct rl_config **cfg, struct rl_error *err)
{
	*cfg = NULL;
	return rl_config_parse(s, strlen(s), "config.json", cfg, err);
}

/* yajl_tree_free() recurses per level: depth must be bounded before it. */
static void test_deep(void)
{
	const char *head = "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"x\":";
	const char *msg = "config.json: invalid JSON: nested deeper than 1000 levels";
	struct rl_error err = {0};
	struct rl_config *cfg = NULL;
	char *s, *open, *close;

	s = repeat(head, "[", 1000000, "");
	ok(parse_plain(s, &cfg, &err) < 0, "a million open brackets refused");
	is_str(err.msg, msg, "deep nesting message");
	free(s);
	/* The top object is level 1: 999 arrays under it make 1000 levels. */
	open = repeat("", "[", 999, "");
	close = repeat("", "]", 999, "}");
	s = repeat(head, open, 1, close);
	ok(parse_plain(s, &cfg, &err) == 0, "1000 levels accepted (unknown member)");
	rl_config_free(cfg);
	free(s);
	free(close);
	free(open);
	open = repeat("", "[", 1000, "");
	close = repeat("", "]", 1000, "}");
	s = repeat(head, open, 1, close);
	ok(parse_plain(s, &cfg, &err) < 0, "1001 levels refused");
	is_str(err.msg, msg, "  with the depth message");
	free(s);
	/* Brackets in strings do not count; quotes in comments do not hide
	 * brackets from the count. */
	s = repeat("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"x\":\"", "[", 5000,
		   "\"}");
	ok(parse_plain(s, &cfg, &err) == 0, "brackets inside a string are not nesting");
	rl_config_free(cfg);
	free(s);
	s = repeat("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"}, // \"\n \"x\":", "[",
		   100000, "");
	ok(parse_plain(s, &cfg, &err) < 0, "a quote in a // comment hides nothing");
	is_str(err.msg, msg, "  with the depth message");
	free(s);
	s = repeat("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"}, /* \" */ \"x\":",
		   "{\"a\":", 100000, "");
	ok(parse_plain(s, &cfg, &err) < 0, "a quote in a /* */ comment hides nothing");
	is_str(err.msg, msg, "  with the depth message");
	free(s);
	free(open);
	free(close);
}

/* Big but valid: 20000 mounts, 50000 env entries and an 8 MiB string. */
static void test_huge(void)
{
	const char *mount = "{\"destination\":\"/m\",\"type\":\"tmpfs\",\"options\":[\"ro\"]},";
	struct rl_error err = {0};
	struct rl_config *cfg = NULL;
	char *mounts = repeat("", mount, 20000, "{\"destination\":\"/last\"}");
	char *env = repeat("", "\"A=1\",", 50000, "\"B=2\"");
	char *big = repeat("", "x", 8u << 20, "");
	size_t len = strlen(mounts) + strlen(env) + strlen(big) + 256;
	char *s = malloc(len);

	snprintf(s, len,
		 "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"mounts\":[%s],"
		 "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"env\":[%s]},"
		 "\"annotations\":{\"big\":\"%s\"}}",
		 mounts, env, big);
	if (!ok(parse_plain(s, &cfg, &err) == 0, "huge document parses"))
		printf("#   %s\n", errtext(&err));
	if (cfg) {
		is_int(cfg->n_mounts, 20001, "all mounts");
		is_str(cfg->mounts[20000].destination, "/last", "last mount");
		is_int(cfg->process->env.n, 50001, "all env entries");
		is_int(strlen(cfg->annotations.values[0]), 8u << 20, "8 MiB annotation");
	}
	rl_config_free(cfg);
	free(s);
	free(big);
	free(env);
	free(mounts);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror("write");
		close(fd);
	}
}

static void test_load(void)
{
	char dir[] = "/tmp/rl-test-config-XXXXXX", path[256], want[512];
	struct rl_error err = {0};
	struct rl_config *cfg = NULL;
	char *d;
	int fd;

	if (!ok(mkdtemp(dir) != NULL, "temporary directory"))
		return;
	snprintf(path, sizeof(path), "%s/missing.json", dir);
	ok(rl_config_load(path, &cfg, &err) < 0, "missing file");
	snprintf(want, sizeof(want), "open \"%s\": No such file or directory", path);
	is_str(errtext(&err), want, "missing file message");
	ok(err.errnum == ENOENT, "ENOENT kept for the caller");

	ok(rl_config_load(dir, &cfg, &err) < 0, "directory refused");
	snprintf(want, sizeof(want), "read \"%s\": Is a directory", dir);
	is_str(errtext(&err), want, "directory message");

	snprintf(path, sizeof(path), "%s/fifo", dir);
	if (mkfifo(path, 0600) == 0) {
		ok(rl_config_load(path, &cfg, &err) < 0, "FIFO refused without blocking");
		snprintf(want, sizeof(want), "read \"%s\": not a regular file", path);
		is_str(errtext(&err), want, "FIFO message");
		unlink(path);
	}

	snprintf(path, sizeof(path), "%s/big.json", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ok(fd >= 0 && ftruncate(fd, (16 << 20) + 1) == 0, "17 MiB sparse file");
	if (fd >= 0)
		close(fd);
	ok(rl_config_load(path, &cfg, &err) < 0, "file over 16 MiB refused");
	snprintf(want, sizeof(want), "read \"%s\": larger than 16 MiB", path);
	is_str(errtext(&err), want, "size bound message");
	unlink(path);

	snprintf(path, sizeof(path), "%s/config.json", dir);
	d = dq("{'ociVersion':'1.0.0','root':{'path':'rootfs'},'process':{'args':['sh'],"
	       "'cwd':'x'}}");
	write_file(path, d);
	free(d);
	ok(rl_config_load(path, &cfg, &err) < 0, "bad file refused");
	snprintf(want, sizeof(want), "%s: process.cwd: must be an absolute path, not \"x\"", path);
	is_str(errtext(&err), want, "errors name the file");

	d = dq("{'ociVersion':'1.1.0','root':{'path':'rootfs'}}");
	write_file(path, d);
	free(d);
	if (!ok(rl_config_load(path, &cfg, &err) == 0, "good file loads"))
		printf("#   %s\n", errtext(&err));
	if (cfg)
		is_str(cfg->root.path, "rootfs", "loaded root.path");
	rl_config_free(cfg);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_deep();
	test_huge();
	test_load();
	return done_testing();
}
