/*
 * kernel.h: applying a kernel plan (kernelplan.h) to this process with
 * Landlock and seccomp.  Linked into the preload shim, the launcher and
 * the extension; it references no Python symbol.
 *
 * Functions return 0 (or a count) or a negative errno value; none
 * prints: hm_kernel_apply writes a one-line reason for its caller.
 */
#ifndef HERMETIC_KERNEL_H
#define HERMETIC_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "kernelplan.h"
#include "policy.h"

/* landlock.c */

/* The Landlock ABI of the running kernel, 0 when it has none. */
int hm_landlock_abi(void);

/* Creates and enforces each layer of plan on the calling thread.  Rules
 * for paths that do not exist are left out. */
int hm_landlock_apply(const struct hm_kplan *plan);

/* seccomp.c */

/* 1 when seccomp filters that return errno values can be installed. */
int hm_seccomp_available(void);

/* 1 when a filter in force answers the mark of id (kernelplan.h). */
int hm_seccomp_marked(uint64_t id);

/* Sets no_new_privs. */
int hm_no_new_privs(void);

/* Installs plan's program on every thread of the process. */
int hm_seccomp_apply(const struct hm_kplan *plan);

/* kernel.c */

/* The threads of this process, from /proc/self/task. */
int hm_kernel_threads(void);

/*
 * What the running kernel offers.  pkg_dir is the installed package (the
 * shim's directory), readable under --fs-readonly=ROOT with the
 * interpreter, its venv and the loader's directories; the strings live
 * in static storage until the next call.
 */
void hm_kernel_env(struct hm_kenv *kenv, const char *pkg_dir);

/*
 * Applies the plan of the stack v[0..n) once: nothing when no entry asks
 * for the kernel or when an ancestor applied this very plan.  Refuses
 * (-EPERM) what --kernel=strict cannot have, and (-EBUSY) a process with
 * more than one thread: Landlock holds the calling thread only.  On
 * failure err holds "what: why".
 */
int hm_kernel_apply(const struct hm_policy *const *v, size_t n,
                    const char *pkg_dir, char *err, size_t errlen);

/*
 * What a --kernel=strict plan lacks, as "what" for a message, or NULL
 * when it is complete (kenv as from hm_kernel_env).
 */
const char *hm_kernel_strict_gap(const struct hm_kplan *plan,
                                 const struct hm_kenv *kenv, char *buf,
                                 size_t cap);

#endif
