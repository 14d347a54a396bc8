/* libmount, loaded when first needed; see mnt.h. */
#include "runtime/mnt.h"

#include <dlfcn.h>
#include <stdbool.h>

#define LIB "libmount.so.1"

static struct rl_mnt fn;
static void *lib;
static bool forbidden;

static int load(struct rl_error *err)
{
	struct rl_mnt f;
	struct {
		const char *name;
		void **fn;
	} syms[] = {
#define SYM(n) {"mnt_" #n, (void **)&f.n}
	    SYM(get_library_version),
	    SYM(get_builtin_optmap),
	    SYM(optstr_next_option),
	    SYM(new_table),
	    SYM(new_table_from_file),
	    SYM(unref_table),
	    SYM(table_parse_stream),
	    SYM(table_next_fs),
	    SYM(table_find_mountpoint),
	    SYM(new_iter),
	    SYM(free_iter),
	    SYM(fs_get_fstype),
	    SYM(fs_get_target),
	    SYM(fs_get_root),
	    SYM(fs_get_fs_options),
	    SYM(fs_get_devno),
	    SYM(fs_get_id),
	    SYM(fs_get_propagation),
#undef SYM
	};

	if (forbidden)
		return rl_error_set(err, 0,
				    "libmount: not loaded, and this process may not load it");
	lib = dlopen(LIB, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return rl_error_set(err, 0, "cannot load " LIB ": %s", dlerror());
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		*syms[i].fn = dlsym(lib, syms[i].name);
		if (!*syms[i].fn) {
			dlclose(lib);
			lib = NULL;
			return rl_error_set(err, 0, LIB " has no %s", syms[i].name);
		}
	}
	fn = f;
	return 0;
}

const struct rl_mnt *rl_mnt(struct rl_error *err)
{
	return lib || load(err) == 0 ? &fn : NULL;
}

void rl_mnt_forbid(void)
{
	forbidden = true;
}
