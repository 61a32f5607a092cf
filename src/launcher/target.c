/*
 * target.c: resolving and executing the target.
 */
#include "target.h"

#include "preload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

/* Run by hermetic's interpreter for "module:attr": call attr; an int is
 * the exit status, None is 0. */
static const char boot_attr[] = "import sys, importlib\n"
                                "t = sys.argv.pop(1); sys.argv[0] = t\n"
                                "m, _, a = t.partition(':')\n"
                                "f = importlib.import_module(m)\n"
                                "for n in a.split('.'):\n"
                                "    f = getattr(f, n)\n"
                                "sys.exit(f())\n";

/* Run for a module name: what "python -m" does, with 127 when the module
 * does not exist. */
static const char boot_module[] =
    "import sys, importlib.util, runpy\n"
    "n = sys.argv.pop(1); sys.argv[0] = n\n"
    "try:\n"
    "    s = importlib.util.find_spec(n)\n"
    "except ImportError:\n"
    "    s = None\n"
    "if s is None:\n"
    "    sys.stderr.write('hermetic: %s: not found\\n' % n)\n"
    "    sys.exit(127)\n"
    "runpy._run_module_as_main(n)\n";

static int
is_identifier(const char *s, size_t len)
{
    if (len == 0 || (s[0] >= '0' && s[0] <= '9')) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        char c = s[i];

        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9'))) {
            return 0;
        }
    }
    return 1;
}

/* "a.b.c": identifiers joined by single dots. */
static int
is_dotted(const char *s, size_t len)
{
    size_t start = 0;

    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '.') {
            if (!is_identifier(s + start, i - start)) {
                return 0;
            }
            start = i + 1;
        }
    }
    return 1;
}

static int
is_module_attr(const char *t)
{
    const char *colon = strchr(t, ':');

    return colon != NULL && is_dotted(t, (size_t)(colon - t)) &&
           is_dotted(colon + 1, strlen(colon + 1));
}

static int
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The #! line of the script at path, without "#!" and the newline, into
 * line; 0 when path is not such a script. */
static int
shebang(const char *path, char *line, size_t cap)
{
    char head[PATH_MAX + 2];
    size_t n;
    FILE *f = fopen(path, "re");

    if (f == NULL) {
        return 0;
    }
    n = fread(head, 1, sizeof(head) - 1, f);
    fclose(f);
    head[n] = '\0';
    if (n < 2 || head[0] != '#' || head[1] != '!') {
        return 0;
    }
    head[strcspn(head, "\n")] = '\0';
    snprintf(line, cap, "%s", head + 2);
    return 1;
}

/* A script whose #! line names python, or a program called python*. */
static int
looks_like_python(const char *path)
{
    const char *base = strrchr(path, '/');
    char line[PATH_MAX];

    base = base != NULL ? base + 1 : path;
    if (strncmp(base, "python", 6) == 0 || ends_with(path, ".py")) {
        return 1;
    }
    return shebang(path, line, sizeof(line)) && strstr(line, "python") != NULL;
}

/* Searches PATH for an executable file called name. */
static int
search_path(const char *name, char *dst, size_t cap)
{
    const char *path = getenv("PATH");
    const char *p = path != NULL ? path : "/usr/local/bin:/usr/bin:/bin";

    while (*p != '\0') {
        size_t len = strcspn(p, ":");
        struct stat st;

        snprintf(dst, cap, "%.*s%s%s", (int)len, p, len ? "/" : "./", name);
        if (stat(dst, &st) == 0 && S_ISREG(st.st_mode) &&
            access(dst, X_OK) == 0) {
            return 0;
        }
        p += len + (p[len] == ':');
    }
    return -1;
}

static int
count(char **v)
{
    int n = 0;

    while (v[n] != NULL) {
        n++;
    }
    return n;
}

/* argv = prefix... target[skip...] */
static int
build_argv(struct hm_target *t, const char **prefix, int nprefix, char **rest)
{
    int nrest = count(rest);

    t->argv = calloc((size_t)(nprefix + nrest + 1), sizeof(char *));
    if (t->argv == NULL) {
        return -1;
    }
    for (int i = 0; i < nprefix; i++) {
        t->argv[i] = (char *)prefix[i];
    }
    for (int i = 0; i < nrest; i++) {
        t->argv[nprefix + i] = rest[i];
    }
    return 0;
}

static int
with_python(struct hm_target *t, const char *python, const char *boot,
            char **rest)
{
    const char *prefix[3] = {python, boot != NULL ? "-c" : NULL, boot};

    snprintf(t->path, sizeof(t->path), "%s", python);
    t->is_python = 1;
    return build_argv(t, prefix, boot != NULL ? 3 : 1, rest);
}

static int
resolve_path(char **target, const char *python, struct hm_target *t,
             struct hm_cli_error *e)
{
    struct stat st;

    if (stat(t->path, &st) < 0) {
        snprintf(e->what, sizeof(e->what), "%s: not found", target[0]);
        return 127;
    }
    if (!S_ISREG(st.st_mode) || access(t->path, X_OK) < 0) {
        if (S_ISREG(st.st_mode) && ends_with(t->path, ".py")) {
            return with_python(t, python, NULL, target) < 0 ? 1 : 0;
        }
        snprintf(e->what, sizeof(e->what), "%s: not executable", target[0]);
        return 126;
    }
    t->is_python = looks_like_python(t->path);
    return build_argv(t, NULL, 0, target) < 0 ? 1 : 0;
}

int
hm_target_resolve(char **target, const char *python, struct hm_target *t,
                  struct hm_cli_error *e)
{
    const char *name = target[0];

    memset(t, 0, sizeof(*t));
    if (strchr(name, '/') == NULL && is_module_attr(name)) {
        return with_python(t, python, boot_attr, target) < 0 ? 1 : 0;
    }
    if (strchr(name, '/') != NULL) {
        snprintf(t->path, sizeof(t->path), "%s", name);
        return resolve_path(target, python, t, e);
    }
    if (name[0] != '\0' && search_path(name, t->path, sizeof(t->path)) == 0) {
        return resolve_path(target, python, t, e);
    }
    if (is_dotted(name, strlen(name))) {
        return with_python(t, python, boot_module, target) < 0 ? 1 : 0;
    }
    snprintf(e->what, sizeof(e->what), "%s: not found", name);
    return 127;
}

/* 1 when exec of path runs in secure mode for this user: file
 * capabilities with the effective flag, and a real user other than root
 * (set-ID bits grant nothing under no_new_privs). */
static int
secure_file(const char *path)
{
    unsigned char buf[64];
    ssize_t n = getxattr(path, "security.capability", buf, sizeof(buf));

    return getuid() != 0 && hm_fcap_effective(buf, (long)n);
}

int
hm_target_secure(const struct hm_target *t, struct hm_cli_error *e)
{
    char line[PATH_MAX];
    const char *file = t->path;

    if (!secure_file(file)) {
        /* A script runs its #! interpreter, with the interpreter's
         * capabilities. */
        char *interp = line;

        if (!shebang(t->path, line, sizeof(line))) {
            return 0;
        }
        interp += strspn(interp, " \t");
        interp[strcspn(interp, " \t")] = '\0';
        if (interp[0] == '\0' || !secure_file(interp)) {
            return 0;
        }
        file = interp;
    }
    snprintf(e->what, sizeof(e->what),
             "%.300s has file capabilities: exec runs it in secure mode for "
             "a user other than root, where ld.so ignores LD_PRELOAD",
             file);
    snprintf(e->hint, sizeof(e->hint),
             "remove the file's capabilities (setcap -r FILE), or run "
             "hermetic as root");
    return -1;
}

int
hm_target_exec(const struct hm_target *t, struct hm_cli_error *e)
{
    extern char **environ;

    /* A set-user-ID, set-group-ID or file-capability program would run in
     * secure mode, where ld.so ignores the preload that carries the
     * guard: with no_new_privs it gains nothing and loads the shim. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        snprintf(e->what, sizeof(e->what), "cannot set no_new_privs: %s",
                 strerror(errno));
        return 1;
    }
    execve(t->path, t->argv, environ);
    if (errno == ENOEXEC) {
        /* No #! line: what execvp does, run it with the shell. */
        int n = count(t->argv);
        char **argv = calloc((size_t)n + 2, sizeof(char *));

        if (argv != NULL) {
            argv[0] = "/bin/sh";
            argv[1] = (char *)t->path;
            memcpy(&argv[2], &t->argv[1], sizeof(char *) * (size_t)n);
            execve("/bin/sh", argv, environ);
            free(argv);
        }
    }
    snprintf(e->what, sizeof(e->what), "%s: %s", t->argv[0], strerror(errno));
    return errno == ENOENT ? 127 : 126;
}
