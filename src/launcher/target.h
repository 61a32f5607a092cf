/*
 * target.h: turning TARGET [ARGS...] into a program to exec (SPEC
 * section 7): module:attr, a path or a name on PATH, or a module name.
 */
#ifndef HERMETIC_TARGET_H
#define HERMETIC_TARGET_H

#include <limits.h>

#include "cli.h"

struct hm_target {
    char path[PATH_MAX]; /* the program to exec */
    char **argv;         /* malloc'd, NULL-terminated; items borrowed */
    int is_python;       /* a Python program, as far as we can tell */
};

/*
 * Resolves target (argv after "--").  python is the interpreter hermetic
 * is installed in, for module targets and plain .py files.  Returns 0, or
 * the exit status to leave with (126, 127) with e filled.
 */
int hm_target_resolve(char **target, const char *python, struct hm_target *t,
                      struct hm_cli_error *e);

/* -1 with e filled when exec of t would run in secure mode, where ld.so
 * ignores LD_PRELOAD: t, or the #! interpreter of a script, has file
 * capabilities with the effective flag, and the user is not root. */
int hm_target_secure(const struct hm_target *t, struct hm_cli_error *e);

/* Execs t; returns only on failure, with the exit status to leave with
 * (126, 127) and e filled. */
int hm_target_exec(const struct hm_target *t, struct hm_cli_error *e);

#endif
