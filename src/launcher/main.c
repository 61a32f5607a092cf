/*
 * main.c: the hermetic command.  Parse the options, find the guard, add
 * this policy to the inherited stack, resolve the target, exec it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "elfkind.h"
#include "config.h"
#include "envscrub.h"
#include "kcheck.h"
#include "output.h"
#include "pathresolve.h"
#include "policy.h"
#include "preload.h"
#include "target.h"

#define STR2(x) #x
#define STR(x) STR2(x)
#define PY_XY STR(HM_PY_MAJOR) "." STR(HM_PY_MINOR)

static const char help_head[] =
    "usage: hermetic [OPTIONS] -- TARGET [ARGS...]\n"
    "\n"
    "Run a Python program with capabilities switched off.  A blocked\n"
    "action raises hermetic.PolicyViolation where it happens.\n"
    "\n"
    "TARGET is module:attr, a script or program (path or name on PATH),\n"
    "or a module name (run like python -m).\n"
    "\n"
    "network:\n"
    "  --no-network          no name lookups, no connections, no "
    "non-loopback bind\n"
    "  --allow-localhost     loopback peers allowed\n"
    "  --allow-domain D      D and *.D allowed, and what they resolve to "
    "(repeatable)\n"
    "  --allow-ip CIDR       peers in this range allowed (repeatable)\n"
    "  --no-unix-sockets     AF_UNIX connect and bind blocked too\n"
    "processes:\n"
    "  --no-subprocess       no process creation of any kind\n"
    "environment:\n"
    "  --no-environment, --no-env\n"
    "                        hide variables outside the readable set; no "
    "writes\n"
    "  --allow-env NAME      this variable stays visible (repeatable)\n"
    "                        readable by default: PATH HOME USER LOGNAME "
    "LANG\n"
    "                        LANGUAGE LC_* TZ TMPDIR TEMP TMP TERM COLUMNS "
    "LINES\n"
    "                        NO_COLOR PYTHON* _PYTHON_* SSL_CERT_FILE "
    "SSL_CERT_DIR\n"
    "                        HERMETIC_*\n"
    "dynamic code:\n"
    "  --no-code-exec        no eval/exec/compile of source, runpy, "
    "marshal,\n"
    "                        code objects by hand, interactive prompt\n"
    "imports and native code:\n"
    "  --deny-import NAME    NAME and NAME.* cannot be imported "
    "(repeatable)\n"
    "  --block-native        no third-party extension modules, no "
    "ctypes/cffi\n"
    "filesystem:\n"
    "  --fs-readonly         no write-opens, no removes, renames, chmod, "
    "mkdir...\n"
    "                        (stdout, stderr, pipes and /dev/null keep "
    "working)\n"
    "  --fs-readonly=ROOT    and reads and listings only under ROOT; "
    "imports may\n"
    "                        also read the directories on sys.path\n"
    "  --allow-write DIR     writes and reads allowed under DIR "
    "(repeatable)\n"
    "interpreter:\n"
    "  --no-interpreter-mutation\n"
    "                        no os.chdir, no changes to sys.path, "
    "sys.meta_path,\n"
    "                        sys.path_hooks, sys.path_importer_cache\n"
    "policy:\n"
    "  --profile NAME        ";

static const char help_middle[] =
    ",\n"
    "                        or one of [tool.hermetic.profiles] in\n"
    "                        ./pyproject.toml (repeatable; merged by "
    "union)\n"
    "  --config FILE         add FILE's [tool.hermetic] (a pyproject.toml);\n"
    "                        a file only adds to the command line's policy\n"
    "  --seal                the policy and every blocker the target "
    "enters stay\n"
    "  --kernel[=strict]     the kernel holds what it can too (Landlock, "
    "seccomp),\n"
    "                        for native code and every program started; "
    "says once\n"
    "                        what it does not hold (strict: refuse "
    "instead)\n"
    "  --trace               one line on stderr per blocked action\n"
    "  --trace-file PATH     trace lines go to PATH (implies --trace)\n"
    "  --trace-format FMT    text (the default) or json: one object per "
    "line\n"
    "                        (implies --trace)\n"
    "  --observe             block nothing: report what would be blocked,\n"
    "                        then a summary with the flags that let the "
    "run pass\n"
    "  -h, --help            this help\n"
    "  --version             the version\n"
    "\n";

static const char help_tail[] =
    "Exit status: the target's; 2 when a violation ends it; 1 for "
    "hermetic's\n"
    "own errors; 126 target not executable; 127 target not found.\n"
    "\n"
    "The guards work at the level of the Python interpreter (audit "
    "hooks).\n"
    "They stop accidents and semi-trusted code, not a determined attacker "
    "with\n"
    "native code; --kernel is what holds native code too.  See the "
    "README's\n"
    "Security model and Limitations.\n";

/* The help, with the profiles and guards this build has. */
static void
print_help(void)
{
    char built[128], unbuilt[256] = "", note[512] = "";
    size_t n = 0, nprof = 0;

    hm_profiles_built(built, sizeof(built), ", ");
    for (const struct hm_field *f = hm_fields; f->name != NULL; f++) {
        if (!hm_field_built(f) && n < sizeof(unbuilt)) {
            n += (size_t)snprintf(unbuilt + n, sizeof(unbuilt) - n, "%s%s",
                                  n > 0 ? ", " : "", f->cli);
        }
    }
    if (n > 0) {
        size_t len =
            (size_t)snprintf(note, sizeof(note),
                             "Not in this version yet (refused): %s", unbuilt);

        for (size_t i = 0; hm_profile_names[i] != NULL; i++) {
            if (hm_profile_unbuilt(hm_profile_names[i]) != NULL &&
                len < sizeof(note)) {
                len += (size_t)snprintf(note + len, sizeof(note) - len, "%s%s",
                                        nprof++ ? ", " : "; profile ",
                                        hm_profile_names[i]);
            }
        }
        if (len < sizeof(note)) {
            snprintf(note + len, sizeof(note) - len, ".\n\n");
        }
    }
    fputs(help_head, stdout);
    fputs(built, stdout);
    fputs(help_middle, stdout);
    fputs(note, stdout);
    fputs(help_tail, stdout);
}

static int
report(int status, struct hm_cli_error *e)
{
    hm_cli_error_clean(e);
    fprintf(stderr, "hermetic: %s\n", e->what);
    if (e->hint[0] != '\0') {
        fprintf(stderr, "hint: %s\n", e->hint);
    }
    return status;
}

/* dst = a b; -1 when it does not fit (a cut path names another file). */
static int
join(char *dst, size_t cap, const char *a, const char *b)
{
    int n = snprintf(dst, cap, "%s%s", a, b);

    return n >= 0 && (size_t)n < cap ? 0 : -1;
}

static int
exists(const char *dir, const char *name)
{
    char path[PATH_MAX];

    return join(path, sizeof(path), dir, name) == 0 && access(path, R_OK) == 0;
}

/* The directory of this program, once: the kernel's link names the file
 * itself, with no symlink left to resolve. */
static const char *
self_dir(void)
{
    static char dir[PATH_MAX];
    static int done;
    ssize_t n;
    char *slash;

    if (!done) {
        done = 1;
        n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
        dir[n > 0 ? n : 0] = '\0';
        slash = strrchr(dir, '/');
        if (n <= 0 || (size_t)n == sizeof(dir) - 1 || slash == NULL) {
            dir[0] = '\0';
        } else if (slash == dir) {
            dir[1] = '\0'; /* the root directory */
        } else {
            *slash = '\0';
        }
    }
    return dir[0] != '\0' ? dir : NULL;
}

/*
 * Finds the installed package directory, where the shim and the core
 * are: beside this program (python -m hermetic runs the copy installed
 * there), or in the site-packages of the prefix this program's bin/ is in.
 */
static int
find_package(char *dst, size_t cap)
{
    static const char *const rel[] = {
        "",
        "/../lib/python" PY_XY "/site-packages/hermetic",
        "/../lib64/python" PY_XY "/site-packages/hermetic",
        "/../lib/python3/dist-packages/hermetic",
        "/../local/lib/python" PY_XY "/dist-packages/hermetic",
    };
    const char *dir = self_dir();

    if (dir == NULL) {
        return -1;
    }
    for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
        if (join(dst, cap, dir, rel[i]) == 0 &&
            exists(dst, "/_hermetic_shim.so") &&
            exists(dst, "/_core" HM_EXT_SUFFIX)) {
            return 0;
        }
    }
    return -1;
}

/* The interpreter hermetic is installed in. */
static void
find_python(char *dst, size_t cap)
{
    static const char *const names[] = {"python" PY_XY, "python3", "python"};
    const char *given = getenv("HERMETIC_PYTHON");
    const char *dir = self_dir();

    if (given != NULL && given[0] != '\0') {
        snprintf(dst, cap, "%s", given);
        return;
    }
    if (dir != NULL) {
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            snprintf(dst, cap, "%s/%s", dir, names[i]);
            if (access(dst, X_OK) == 0) {
                return;
            }
        }
    }
    snprintf(dst, cap, "%s", "python" PY_XY);
}

/*
 * The stack for the target: what this process inherited (a hermetic
 * inside a guarded process only adds) and this command line's policy;
 * and where the run reports (output.c).
 */
static char *
build_stack(const struct hm_cli *cli, struct hm_cli_error *e)
{
    const struct hm_policy *mine = &cli->policy;
    const char *inherited = getenv("HERMETIC_FLAGS_JSON");
    struct hm_stack s = {0};
    const struct hm_policy **v;
    char reason[256];
    char *json = NULL;

    if (inherited != NULL && hm_stack_decode(inherited, strlen(inherited), &s,
                                             reason, sizeof(reason)) < 0) {
        snprintf(e->what, sizeof(e->what), "HERMETIC_FLAGS_JSON: %s", reason);
        snprintf(e->hint, sizeof(e->hint),
                 "unset HERMETIC_FLAGS_JSON or fix its value");
        return NULL;
    }
    if (inherited == NULL) {
        hm_output_init(&s.out);
    }
    if (hm_output_open(cli, &s.out, e) < 0) {
        hm_stack_free(&s);
        return NULL;
    }
    v = calloc(s.n + 1, sizeof(*v));
    if (v != NULL) {
        for (size_t i = 0; i < s.n; i++) {
            v[i] = &s.v[i];
        }
        v[s.n] = mine;
        json = hm_stack_encode_out(
            v, s.n + 1, s.seal_all || (mine->flags & HM_SEALED), &s.out);
        free(v);
    }
    if (json == NULL) {
        snprintf(e->what, sizeof(e->what), "out of memory");
    }
    hm_stack_free(&s);
    return json;
}

/*
 * Whether ld.so can map the shim: ld.so skips a preload entry it cannot
 * load, and the target would run unguarded.  The headers and the file's
 * size are checked (not a dlopen: this program is static, and a dlopen
 * would cost the start-up of every run).
 */
static int
shim_loads(const char *shim, struct hm_cli_error *e)
{
    unsigned char head[4096];
    struct stat st;
    ssize_t n;
    const char *fault;
    int fd = open(shim, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &st) < 0) {
        fault = strerror(errno);
    } else if (!S_ISREG(st.st_mode)) {
        fault = "not a regular file";
    } else if ((n = read(fd, head, sizeof(head))) < 0) {
        fault = strerror(errno);
    } else {
        fault = hm_elf_library_fault(head, (size_t)n,
                                     (unsigned long long)st.st_size);
    }
    if (fd >= 0) {
        close(fd);
    }
    if (fault == NULL) {
        return 0;
    }
    snprintf(e->what, sizeof(e->what), "cannot load %.300s: %s", shim, fault);
    snprintf(e->hint, sizeof(e->hint), "reinstall hermetic");
    return -1;
}

/* Puts the stack and the shim into the environment the target inherits. */
static int
prepare_env(const char *pkg, const char *json, struct hm_cli_error *e)
{
    char shim[PATH_MAX];
    const char *old = getenv("LD_PRELOAD");
    char *preload;
    int rc;

    if (join(shim, sizeof(shim), pkg, "/_hermetic_shim.so") < 0) {
        snprintf(e->what, sizeof(e->what), "path too long: %.400s", pkg);
        return -1;
    }
    if (shim_loads(shim, e) < 0) {
        return -1;
    }
    if (getuid() != geteuid() || getgid() != getegid()) {
        snprintf(e->what, sizeof(e->what),
                 "cannot guard a target started with an effective user or "
                 "group other than the real one: ld.so ignores LD_PRELOAD "
                 "then");
        snprintf(e->hint, sizeof(e->hint),
                 "run hermetic with the same real and effective ids");
        return -1;
    }
    if (getenv("LD_AUDIT") != NULL && getenv("LD_AUDIT")[0] != '\0') {
        snprintf(e->what, sizeof(e->what),
                 "LD_AUDIT is set: an audit library can keep ld.so from "
                 "loading the guard");
        snprintf(e->hint, sizeof(e->hint), "unset LD_AUDIT");
        return -1;
    }
    if (!hm_preload_spellable(shim)) {
        snprintf(e->what, sizeof(e->what),
                 "cannot preload %.300s: LD_PRELOAD cannot hold a path with "
                 "a space, ':' or '$'",
                 shim);
        snprintf(e->hint, sizeof(e->hint),
                 "install hermetic where the path has none of them");
        return -1;
    }
    if (old == NULL || old[0] == '\0') {
        preload = strdup(shim);
    } else if (hm_preload_has(old, shim)) {
        preload = strdup(old);
    } else if (asprintf(&preload, "%s:%s", old, shim) < 0) {
        preload = NULL;
    }
    rc = preload != NULL && setenv("LD_PRELOAD", preload, 1) == 0 &&
                 setenv("HERMETIC_FLAGS_JSON", json, 1) == 0 &&
                 unsetenv("HERMETIC_PYTHON") == 0
             ? 0
             : -1;
    free(preload);
    if (rc < 0) {
        snprintf(e->what, sizeof(e->what), "cannot set the environment: %s",
                 strerror(errno));
    }
    return rc;
}

static int
refuse_unbuilt(const struct hm_policy *p, struct hm_cli_error *e)
{
    const char *field = hm_policy_unbuilt(p);
    const struct hm_field *f = field != NULL ? hm_field_find(field) : NULL;

    if (f == NULL) {
        return 0;
    }
    snprintf(e->what, sizeof(e->what),
             "%s: this guard is not available in this version of hermetic",
             f->cli);
    return -1;
}

/* ROOT and the --allow-write directories are resolved here, once, so
 * every process of the target judges paths against the same
 * directories whatever its working directory. */
static int
resolve_paths(struct hm_policy *p, struct hm_cli_error *e)
{
    char bad[PATH_MAX];
    int rc = hm_policy_resolve_paths(p, bad, sizeof(bad));

    if (rc == 0) {
        return 0;
    }
    snprintf(e->what, sizeof(e->what), "%s: cannot resolve %.300s: %s",
             p->fs_root != NULL && strcmp(bad, p->fs_root) == 0
                 ? "--fs-readonly"
                 : "--allow-write",
             bad, strerror(-rc));
    snprintf(e->hint, sizeof(e->hint),
             "give a directory that exists before hermetic starts");
    return -1;
}

/* The command line's policy, and a configuration file's when asked. */
static int
policy_ready(struct hm_cli *cli, const char *pkg, const char *python,
             struct hm_cli_error *e)
{
    if (hm_config_apply(cli, python, pkg, e) < 0) {
        return -1;
    }
    if (refuse_unbuilt(&cli->policy, e) < 0) {
        return -1;
    }
    if ((cli->policy.flags & HM_OBSERVE) &&
        hm_policy_blocks_nothing(&cli->policy)) {
        /* It would report nothing, and say the run needs no flags. */
        snprintf(e->what, sizeof(e->what), "--observe: no guard to observe");
        snprintf(e->hint, sizeof(e->hint),
                 "add the policy to try, as in hermetic --observe "
                 "--no-network -- TARGET");
        return -1;
    }
    return resolve_paths(&cli->policy, e);
}

static int
run(struct hm_cli *cli, struct hm_cli_error *e)
{
    struct hm_target t;
    char pkg[PATH_MAX], python[PATH_MAX];
    char *json;
    int status;

    if (refuse_unbuilt(&cli->policy, e) < 0) {
        return 1;
    }
    if (find_package(pkg, sizeof(pkg)) < 0) {
        snprintf(e->what, sizeof(e->what),
                 "cannot find the guard (_hermetic_shim.so, _core%s)",
                 HM_EXT_SUFFIX);
        snprintf(e->hint, sizeof(e->hint), "reinstall hermetic");
        return 1;
    }
    find_python(python, sizeof(python));
    if (policy_ready(cli, pkg, python, e) < 0) {
        return 1;
    }
    json = build_stack(cli, e);
    if (json == NULL) {
        return 1;
    }
    status = hm_target_resolve(cli->target, python, &t, e);
    if (status != 0) {
        return status;
    }
    if (hm_kcheck(json, &t, e) < 0 || hm_target_secure(&t, e) < 0 ||
        prepare_env(pkg, json, e) < 0 || hm_env_scrub(json, e) < 0) {
        return 1;
    }
    if (!t.is_python && !hm_kcheck_asked(json)) {
        fprintf(stderr,
                "hermetic: note: %s is not a Python program; the policy "
                "applies to the Python processes it starts\n",
                cli->target[0]);
    }
    return hm_target_exec(&t, e);
}

int
main(int argc, char **argv)
{
    struct hm_cli cli;
    struct hm_cli_error e;
    int status = 0;

    if (hm_cli_parse(argc, argv, &cli, &e) < 0) {
        status = report(1, &e);
    } else if (cli.help || cli.version) {
        if (cli.help) {
            print_help();
        } else {
            fputs("hermetic " HM_VERSION "\n", stdout);
        }
    } else {
        status = report(run(&cli, &e), &e);
    }
    hm_cli_free(&cli);
    return status;
}
