/* libmount, loaded the first time it is needed instead of linked.
 *
 * Most commands (start, state, list, kill, delete ...) never parse a mount
 * option or a mountinfo; linked, libmount and the three libraries it pulls
 * in (blkid, selinux, pcre2) would be mapped and relocated at every start
 * of every command, and twice for run, create and exec (see exeseal.h).
 *
 * Loaded only in rlite's own process: rl_launch_prepare loads it before the
 * container's child exists, and the child calls rl_mnt_forbid first thing,
 * so that nothing can ever be loaded from a path inside a container's root.
 * "libmount.so.1" is looked up as the dynamic linker looks up the libraries
 * a program is linked with. */
#ifndef RL_RUNTIME_MNT_H
#define RL_RUNTIME_MNT_H

#include <libmount.h>

#include "spec/error.h"

/* The part of libmount rlite uses. */
struct rl_mnt {
	__typeof__(mnt_get_library_version) *get_library_version;
	__typeof__(mnt_get_builtin_optmap) *get_builtin_optmap;
	__typeof__(mnt_optstr_next_option) *optstr_next_option;
	__typeof__(mnt_new_table) *new_table;
	__typeof__(mnt_new_table_from_file) *new_table_from_file;
	__typeof__(mnt_unref_table) *unref_table;
	__typeof__(mnt_table_parse_stream) *table_parse_stream;
	__typeof__(mnt_table_next_fs) *table_next_fs;
	__typeof__(mnt_table_find_mountpoint) *table_find_mountpoint;
	__typeof__(mnt_new_iter) *new_iter;
	__typeof__(mnt_free_iter) *free_iter;
	__typeof__(mnt_fs_get_fstype) *fs_get_fstype;
	__typeof__(mnt_fs_get_target) *fs_get_target;
	__typeof__(mnt_fs_get_root) *fs_get_root;
	__typeof__(mnt_fs_get_fs_options) *fs_get_fs_options;
	__typeof__(mnt_fs_get_devno) *fs_get_devno;
	__typeof__(mnt_fs_get_id) *fs_get_id;
	__typeof__(mnt_fs_get_propagation) *fs_get_propagation;
};

/* The functions, loading the library the first time; NULL with err set
 * when it cannot be loaded, lacks one of them, or loading is forbidden. */
const struct rl_mnt *rl_mnt(struct rl_error *err);

/* From here on in this process rl_mnt loads nothing (what is loaded
 * stays usable). */
void rl_mnt_forbid(void);

#endif
