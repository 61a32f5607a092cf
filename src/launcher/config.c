/*
 * config.c: [tool.hermetic] in a pyproject.toml, for the launcher.
 *
 * Debian has no well-kept C TOML parser, and the rules of the table
 * (fields, custom profiles, unknown keys) are already written once in
 * Python for the pytest plugin (hermetic/_config.py).  So the launcher
 * runs its own interpreter on the file, in isolated mode, reads the
 * policy back in the HERMETIC_FLAGS_JSON encoding and decodes it with the
 * same C code.  Only when asked: a run without a file spawns nothing.
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* The longest answer the parser may give; a policy is far shorter. */
#define ANSWER_MAX (1 << 20)

/* Put the package's directory first, then let hermetic/_config.py work;
 * -I keeps the current directory (the repository) off sys.path. */
static const char snippet[] =
    "import sys; sys.path.insert(0, sys.argv.pop(1))\n"
    "from hermetic._config import main\n"
    "sys.exit(main())\n";

struct answer {
    char *text; /* stdout of the parser, NUL-terminated */
    size_t len;
    int status; /* its exit status, or -1 when it did not exit */
};

/* argv for the parser: PYTHON -I -c SNIPPET SITE PATH PROFILE...
 * malloc'd; the strings are borrowed, site is the caller's buffer. */
static char **
parser_argv(const char *python, char *site, const char *path,
            const struct hm_cli *cli)
{
    char **argv = calloc(cli->nprofiles + 7, sizeof(*argv));
    size_t n = 0;

    if (argv == NULL) {
        return NULL;
    }
    argv[n++] = (char *)python;
    argv[n++] = "-I";
    argv[n++] = "-c";
    argv[n++] = (char *)snippet;
    argv[n++] = site;
    argv[n++] = (char *)path;
    for (size_t i = 0; i < cli->nprofiles; i++) {
        argv[n++] = cli->profiles[i];
    }
    return argv;
}

/* Reads fd to its end into a->text.  Returns 0 or a negative errno. */
static int
read_all(int fd, struct answer *a)
{
    size_t cap = 4096;

    a->text = malloc(cap);
    if (a->text == NULL) {
        return -ENOMEM;
    }
    for (;;) {
        ssize_t r;

        if (a->len + 1 == cap) {
            char *t = cap < ANSWER_MAX ? realloc(a->text, cap * 2) : NULL;

            if (t == NULL) {
                return cap < ANSWER_MAX ? -ENOMEM : -EFBIG;
            }
            a->text = t;
            cap *= 2;
        }
        r = read(fd, a->text + a->len, cap - a->len - 1);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            a->text[a->len] = '\0';
            return r < 0 ? -errno : 0;
        }
        a->len += (size_t)r;
    }
}

/* Runs the parser on path and collects its answer.  Returns 0, or a
 * negative errno when it could not be run or read. */
static int
run_parser(const char *python, const char *pkg, const char *path,
           const struct hm_cli *cli, struct answer *a)
{
    char site[PATH_MAX];
    posix_spawn_file_actions_t fa;
    char **argv = NULL;
    int fds[2] = {-1, -1};
    pid_t pid;
    int rc, wstatus;

    snprintf(site, sizeof(site), "%s", pkg);
    dirname(site);
    argv = parser_argv(python, site, path, cli);
    if (argv == NULL || pipe2(fds, O_CLOEXEC) < 0) {
        rc = argv == NULL ? -ENOMEM : -errno;
        goto out_free;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    rc = -posix_spawnp(&pid, python, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc == 0) {
        rc = read_all(fds[0], a);
        while (waitpid(pid, &wstatus, 0) < 0) {
            if (errno != EINTR) {
                wstatus = -1;
                break;
            }
        }
        a->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    }
    close(fds[0]);
out_free:
    free(argv);
    return rc;
}

/* The parser's one-line message, without its newline, into e. */
static void
parser_error(const struct answer *a, const char *path, const char *python,
             struct hm_cli_error *e)
{
    size_t n = strcspn(a->text, "\n");

    if (n > 0) {
        const char *next = a->text + n + (a->text[n] == '\n');

        snprintf(e->what, sizeof(e->what), "%.*s", (int)n, a->text);
        if (strncmp(next, "hint: ", 6) == 0) {
            snprintf(e->hint, sizeof(e->hint), "%.*s",
                     (int)strcspn(next + 6, "\n"), next + 6);
        }
        return;
    }
    snprintf(e->what, sizeof(e->what),
             "%s: cannot read the configuration: %s exited with status %d",
             path, python, a->status);
    snprintf(e->hint, sizeof(e->hint),
             "check that hermetic is installed in %s", python);
}

/* Adds every policy of the decoded answer to the command line's. */
static int
merge_answer(struct hm_cli *cli, const struct answer *a, const char *path,
             struct hm_cli_error *e)
{
    struct hm_stack s = {0};
    char reason[256];
    int rc = 0;

    if (hm_stack_decode(a->text, a->len, &s, reason, sizeof(reason)) < 0) {
        snprintf(e->what, sizeof(e->what), "%s: %s", path, reason);
        return -1;
    }
    for (size_t i = 0; i < s.n && rc == 0; i++) {
        rc = hm_policy_merge(&cli->policy, &s.v[i]);
    }
    if (rc == -EINVAL) {
        snprintf(e->what, sizeof(e->what),
                 "%s: fs_root: differs from the command line's", path);
    } else if (rc < 0) {
        snprintf(e->what, sizeof(e->what), "out of memory");
    }
    hm_stack_free(&s);
    return rc < 0 ? -1 : 0;
}

int
hm_config_apply(struct hm_cli *cli, const char *python, const char *pkg,
                struct hm_cli_error *e)
{
    const char *path = cli->config != NULL ? cli->config : "pyproject.toml";
    struct answer a = {NULL, 0, -1};
    int rc;

    if (cli->config == NULL && cli->nprofiles == 0) {
        return 0;
    }
    if (cli->config == NULL && access(path, F_OK) < 0) {
        char built[128];

        hm_profiles_built(built, sizeof(built), ", ");
        snprintf(e->what, sizeof(e->what), "--profile: unknown profile: %s",
                 cli->profiles[0]);
        snprintf(e->hint, sizeof(e->hint),
                 "profiles: %s; others come from "
                 "[tool.hermetic.profiles] in ./pyproject.toml or --config "
                 "FILE",
                 built);
        return -1;
    }
    rc = run_parser(python, pkg, path, cli, &a);
    if (rc < 0) {
        snprintf(e->what, sizeof(e->what), "%s: cannot run %s to read it: %s",
                 path, python, strerror(-rc));
    } else if (a.status != 0) {
        parser_error(&a, path, python, e);
        rc = -1;
    } else {
        rc = merge_answer(cli, &a, path, e);
    }
    free(a.text);
    return rc < 0 ? -1 : 0;
}
