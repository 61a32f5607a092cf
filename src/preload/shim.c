/*
 * shim.c: the preload object the launcher puts into every guarded
 * process.  It references no Python symbol, so programs that are not
 * Python load it harmlessly; in a Python process it loads the core built
 * for that X.Y and installs the policy before the interpreter starts.
 *
 * Under --kernel it first applies the kernel tier (Landlock, seccomp) to
 * the process, Python or not, before any of the program's code runs; the
 * process tree inherits it, and a process whose ancestor applied the same
 * plan does not apply it again (kernel.h).
 *
 * Whatever it cannot do ends that process with one line: a target never
 * runs with a weaker policy than asked.
 *
 * In the top-level process of an observed run (Python or not) it also
 * prints the run's summary at exit.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel.h"
#include "policy.h"
#include "summary.h"

#ifndef HM_PY_MAJOR
#error "HM_PY_MAJOR, HM_PY_MINOR and HM_EXT_SUFFIX come from the build"
#endif

typedef const char *(*version_fn)(void);
typedef int (*preinit_fn)(const char *json, const char *shim, char *err,
                          size_t errlen);

static void
die(const char *what, const char *hint)
{
    fprintf(stderr, "hermetic: %s\n", what);
    if (hint != NULL) {
        fprintf(stderr, "hint: %s\n", hint);
    }
    fflush(stderr);
    _exit(1);
}

/* Parses "3.11.7 (main, ...)".  Returns 1 when it is our X.Y. */
static int
same_version(const char *v, int *major, int *minor)
{
    if (sscanf(v, "%d.%d", major, minor) != 2) {
        return 0;
    }
    return *major == HM_PY_MAJOR && *minor == HM_PY_MINOR;
}

static void
check_version(version_fn version)
{
    char what[256];
    int major = 0, minor = 0;

    if (same_version(version(), &major, &minor)) {
        return;
    }
    snprintf(what, sizeof(what),
             "cannot guard Python %d.%d: this hermetic is built for "
             "Python %d.%d",
             major, minor, HM_PY_MAJOR, HM_PY_MINOR);
    if (major < 3 || (major == 3 && minor < 9)) {
        die(what, "hermetic supports Python 3.9 and later: run the target "
                  "with one of those");
    }
    die(what, "install hermetic into that interpreter's environment and "
              "run the hermetic it provides");
}

/*
 * This object's own file, once: the name ld.so opened it by, which the
 * launcher and the core always write absolute, else that name resolved.
 */
static char shim_file[PATH_MAX];

static const char *
shim_path(void)
{
    Dl_info info;

    if (shim_file[0] == '\0') {
        if (dladdr((void *)shim_path, &info) == 0 || info.dli_fname == NULL) {
            die("cannot find the preload shim's own path", NULL);
        }
        if (info.dli_fname[0] == '/' &&
            strlen(info.dli_fname) < sizeof(shim_file)) {
            memcpy(shim_file, info.dli_fname, strlen(info.dli_fname) + 1);
        } else if (realpath(info.dli_fname, shim_file) == NULL) {
            die("cannot find the preload shim's own path", NULL);
        }
    }
    return shim_file;
}

/* The core lies beside the shim file SHIM. */
static void
core_path(const char *shim, char *dst, size_t cap)
{
    char dir[PATH_MAX];

    snprintf(dir, sizeof(dir), "%s", shim);
    snprintf(dst, cap, "%s/_core%s", dirname(dir), HM_EXT_SUFFIX);
}

/*
 * Load the core.  Beside the shim's name first; if that name is a link
 * placed elsewhere (an LD_PRELOAD written by hand), beside its target,
 * which is then the shim's path for the core and for children.
 */
static void *
core_open(void)
{
    char path[PATH_MAX + 32];
    char real[PATH_MAX];
    char err[PATH_MAX + 160];
    void *core;

    core_path(shim_path(), path, sizeof(path));
    /* Lazy: of the C API functions the core calls, start-up binds only
     * those it uses (the X.Y check is what makes them all exist).
     * Global: a core imported later finds this one (module.c's anchor). */
    core = dlopen(path, RTLD_LAZY | RTLD_GLOBAL);
    if (core == NULL) {
        snprintf(err, sizeof(err), "cannot load the guard: %s", dlerror());
        if (realpath(shim_path(), real) != NULL &&
            strcmp(real, shim_path()) != 0) {
            core_path(real, path, sizeof(path));
            core = dlopen(path, RTLD_LAZY | RTLD_GLOBAL);
        }
        if (core == NULL) {
            die(err, "reinstall hermetic");
        }
        memcpy(shim_file, real, sizeof(shim_file));
    }
    return core;
}

/*
 * The kernel tier of the stack in json, when an entry asks for it.  A
 * stack that does not decode is left to the Python core to report (a
 * program that is not Python has no other use for it).
 */
static void
apply_kernel(const char *json)
{
    struct hm_stack s = {0};
    const struct hm_policy **v;
    char pkg[PATH_MAX], err[700];
    int rc = 0;

    if (hm_stack_decode(json, strlen(json), &s, err, sizeof(err)) < 0) {
        return;
    }
    v = calloc(s.n + 1, sizeof(*v));
    if (v == NULL) {
        die("--kernel: out of memory", NULL);
    }
    for (size_t i = 0; i < s.n; i++) {
        v[i] = &s.v[i];
    }
    if (hm_policies_kernel(v, s.n) == HM_KLEVEL_OFF) {
        /* Every guarded process, Python or not, comes here. */
        free(v);
        hm_stack_free(&s);
        return;
    }
    /* The package's directory, where the shim's file really lies. */
    if (realpath(shim_path(), pkg) == NULL) {
        die("--kernel: cannot find the preload shim's own path", NULL);
    }
    rc = hm_kernel_apply(v, s.n, dirname(pkg), err, sizeof(err));
    free(v);
    hm_stack_free(&s);
    if (rc < 0) {
        die(err, rc == -EBUSY ? NULL
                              : "run without --kernel, or on a kernel with "
                                "Landlock and seccomp");
    }
}

/* --- the summary of an observed run --------------------------------- */

/* The run's stack, kept for the summary by the top-level process. */
static struct hm_stack run;

/* The shared log's whole text (malloc'd), or NULL. */
static char *
log_read(int fd, size_t *len)
{
    struct stat st;
    char *text;
    ssize_t got = 0;

    if (fstat(fd, &st) < 0 ||
        (text = malloc((size_t)st.st_size + 1)) == NULL) {
        return NULL;
    }
    while ((size_t)got < (size_t)st.st_size) {
        ssize_t r =
            pread(fd, text + got, (size_t)st.st_size - (size_t)got, got);

        if (r <= 0) {
            break;
        }
        got += r;
    }
    *len = (size_t)got;
    return text;
}

/* At the exit of the top-level target: the summary on stderr.  Children
 * still running then report after it. */
static void
summary_print(void)
{
    size_t len = 0;
    char *text, *out;

    if ((long)getpid() != run.out.top_pid) {
        return; /* a forked child inherited the registration */
    }
    text = log_read(run.out.log_fd, &len);
    out = text != NULL ? hm_summary(text, len, &run) : NULL;
    if (out != NULL) {
        ssize_t w = write(STDERR_FILENO, out, strlen(out));

        (void)w;
    }
    free(out);
    free(text);
}

/*
 * The process the launcher exec'd into (its pid, whatever program it is
 * after exec) prints the summary when it exits.  The registration is
 * atexit(3), so a process that ends with _exit or a signal prints none.
 */
static void
summary_setup(const char *json)
{
    char err[256];

    if (strstr(json, "\"log_fd\"") == NULL ||
        hm_stack_decode(json, strlen(json), &run, err, sizeof(err)) < 0) {
        return;
    }
    if (run.out.log_fd < 0 || run.out.top_pid != (long)getpid()) {
        hm_stack_free(&run);
        return;
    }
    atexit(summary_print);
}

__attribute__((constructor)) static void
hermetic_shim_init(void)
{
    const char *json = getenv("HERMETIC_FLAGS_JSON");
    version_fn version;
    preinit_fn preinit;
    char err[512];
    void *core;

    if (json == NULL) {
        return;
    }
    apply_kernel(json);
    summary_setup(json);
    version = (version_fn)dlsym(RTLD_DEFAULT, "Py_GetVersion");
    if (version == NULL) {
        return; /* not Python: its Python children are guarded */
    }
    check_version(version);
    core = core_open();
    preinit = (preinit_fn)dlsym(core, "hermetic_preinit");
    if (preinit == NULL) {
        die("cannot load the guard: hermetic_preinit missing",
            "reinstall hermetic");
    }
    err[0] = '\0';
    if (preinit(json, shim_path(), err, sizeof(err)) < 0) {
        char what[600];

        snprintf(what, sizeof(what), "HERMETIC_FLAGS_JSON: %s", err);
        die(what, NULL);
    }
}
