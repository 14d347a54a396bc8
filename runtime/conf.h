/* rlite.conf: the defaults of this machine for every rlite command, below
 * what the command line says.  Lines of "key = value", '#' comments:
 *
 *   # the pid-1 shim: auto (not when the process is an init itself),
 *   # always or never; --init and the annotation org.rlite.init win
 *   init = auto
 *
 * The file is $RLITE_CONFIG when set, else /etc/rlite/rlite.conf; a missing
 * file is no error.  An unknown key or a bad value is, naming the file and
 * the line: a setting that silently does nothing would mislead. */
#ifndef RL_RUNTIME_CONF_H
#define RL_RUNTIME_CONF_H

#include "spec/error.h"

#define RL_CONF_DEFAULT "/etc/rlite/rlite.conf"

struct rl_conf {
	int init_mode; /* enum rl_init_mode (shim.h) */
};

/* Parses text (name for messages) over the values already in *c.  Pure. */
int rl_conf_parse(const char *text, const char *name, struct rl_conf *c, struct rl_error *err);

/* Reads the file (see above) into *c, which the caller set to the built-in
 * defaults. */
int rl_conf_load(struct rl_conf *c, struct rl_error *err);

#endif
