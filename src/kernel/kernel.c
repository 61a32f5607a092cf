/*
 * kernel.c: applying the kernel tier once per process tree (kernel.h).
 */
#define _GNU_SOURCE
#include "kernel.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
hm_kernel_threads(void)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *ent;
    int n = 0;

    if (d == NULL) {
        return -errno;
    }
    while ((ent = readdir(d)) != NULL) {
        n += ent->d_name[0] != '.';
    }
    closedir(d);
    return n;
}

/* What the dynamic loader and a system interpreter read. */
static const char *const system_readable[] = {
    "/usr/lib", "/usr/lib64", "/lib", "/lib64", "/etc/ld.so.cache",
};

#define NSYSTEM (sizeof(system_readable) / sizeof(system_readable[0]))

static char exe_prefix[PATH_MAX];
static char pkg_copy[PATH_MAX];
static char venv[PATH_MAX];
static const char *readable[NSYSTEM + 3];

/* dirname applied twice: /usr/bin/python3.12 -> /usr. */
static void
prefix_of(const char *path, char *dst, size_t cap)
{
    char tmp[PATH_MAX];

    snprintf(tmp, sizeof(tmp), "%s", path);
    snprintf(dst, cap, "%s", dirname(dirname(tmp)));
}

/* The venv holding dir (the directory with a pyvenv.cfg above it), or
 * dir's prefix four levels up (lib/pythonX.Y/site-packages/hermetic). */
static void
venv_of(const char *dir, char *dst, size_t cap)
{
    char cur[PATH_MAX], cfg[PATH_MAX + 16], *parent;

    snprintf(cur, sizeof(cur), "%s", dir);
    for (int up = 0; up < 5 && strcmp(cur, "/") != 0; up++) {
        snprintf(cfg, sizeof(cfg), "%s/pyvenv.cfg", cur);
        if (access(cfg, F_OK) == 0) {
            snprintf(dst, cap, "%s", cur);
            return;
        }
        /* dirname works in place or returns a constant: never hand
         * its result to a formatter writing into cur. */
        parent = dirname(cur);
        memmove(cur, parent, strlen(parent) + 1);
    }
    snprintf(dst, cap, "%s", cur);
}

void
hm_kernel_env(struct hm_kenv *kenv, const char *pkg_dir)
{
    char exe[PATH_MAX];
    size_t n = 0;

    for (size_t i = 0; i < NSYSTEM; i++) {
        readable[n++] = system_readable[i];
    }
    if (realpath("/proc/self/exe", exe) != NULL) {
        prefix_of(exe, exe_prefix, sizeof(exe_prefix));
        readable[n++] = exe_prefix;
    }
    if (pkg_dir != NULL && pkg_dir[0] != '\0') {
        snprintf(pkg_copy, sizeof(pkg_copy), "%s", pkg_dir);
        venv_of(pkg_copy, venv, sizeof(venv));
        readable[n++] = venv;
    }
    kenv->abi = hm_landlock_abi();
    kenv->seccomp = hm_seccomp_available();
    kenv->readable = readable;
    kenv->nreadable = n;
}

const char *
hm_kernel_strict_gap(const struct hm_kplan *plan, const struct hm_kenv *kenv,
                     char *buf, size_t cap)
{
    char parts[512];

    if (kenv->abi < 1) {
        return "this kernel has no Landlock";
    }
    if (!kenv->seccomp) {
        return "this kernel has no seccomp filters";
    }
    if ((plan->asked & ~plan->held) == 0) {
        return NULL;
    }
    hm_kplan_describe(plan->asked & ~plan->held, parts, sizeof(parts));
    snprintf(buf, cap, "the kernel cannot hold: %s", parts);
    return buf;
}

/* Landlock before seccomp: the filter's mark then says both are on. */
static int
enforce(const struct hm_kplan *plan, const struct hm_kenv *kenv,
        const char **what)
{
    int rc;

    *what = "no_new_privs";
    rc = hm_no_new_privs();
    if (rc == 0 && kenv->abi >= 1) {
        *what = "Landlock";
        rc = hm_landlock_apply(plan);
    }
    if (rc == 0 && kenv->seccomp) {
        *what = "seccomp";
        rc = hm_seccomp_apply(plan);
    }
    return rc;
}

/* The checks before enforcing: strict, one thread. */
static int
check_ready(const struct hm_kplan *plan, const struct hm_kenv *kenv, char *err,
            size_t errlen)
{
    char buf[600];
    const char *gap = hm_kernel_strict_gap(plan, kenv, buf, sizeof(buf));
    int threads;

    if (plan->level == HM_KLEVEL_STRICT && gap != NULL) {
        snprintf(err, errlen, "--kernel=strict: %s", gap);
        return -EPERM;
    }
    threads = hm_kernel_threads();
    if (threads != 1) {
        snprintf(err, errlen,
                 "--kernel: the process has %d threads; Landlock would "
                 "hold only the calling one",
                 threads);
        return -EBUSY;
    }
    return 0;
}

int
hm_kernel_apply(const struct hm_policy *const *v, size_t n,
                const char *pkg_dir, char *err, size_t errlen)
{
    struct hm_kplan *plan;
    struct hm_kenv kenv;
    const char *what = "plan";
    int rc;

    /* Without --kernel in the stack, the kernel is not even asked what it
     * supports. */
    if (hm_policies_kernel(v, n) == HM_KLEVEL_OFF) {
        return 0;
    }
    plan = malloc(sizeof(*plan));
    if (plan == NULL) {
        snprintf(err, errlen, "--kernel: out of memory");
        return -ENOMEM;
    }
    hm_kernel_env(&kenv, pkg_dir);
    rc = hm_kplan_build(v, n, &kenv, plan);
    if (rc == 0 &&
        (plan->level == HM_KLEVEL_OFF || hm_seccomp_marked(plan->id))) {
        goto out_free_plan;
    }
    if (rc == 0) {
        rc = check_ready(plan, &kenv, err, errlen);
        if (rc < 0) {
            goto out_free_plan;
        }
        rc = enforce(plan, &kenv, &what);
    }
    if (rc < 0) {
        snprintf(err, errlen, "--kernel: cannot apply %s: %s", what,
                 strerror(-rc));
    }
out_free_plan:
    free(plan);
    return rc;
}
