/*
 * envscrub.c: the launcher's half of the environment guard.  The rule
 * itself is hm_env_keep (guardmatch.c); this file only applies it.
 */
#include "envscrub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guardmatch.h"

extern char **environ;

#if defined(__SANITIZE_ADDRESS__)
/*
 * Sanitizer builds only: the runtime's options must reach the target like
 * the runtime itself (see childenv.c), or CPython's unfreed memory at exit
 * changes every exit status.
 */
static int
sanitizer_option(const char *name, size_t len)
{
    static const char *const names[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS",
                                        "LSAN_OPTIONS", NULL};

    for (const char *const *n = names; *n != NULL; n++) {
        if (strlen(*n) == len && strncmp(*n, name, len) == 0) {
            return 1;
        }
    }
    return 0;
}
#else
static int
sanitizer_option(const char *name, size_t len)
{
    (void)name;
    (void)len;
    return 0;
}
#endif

/* Copies the names to remove first: unsetenv changes environ. */
static char **
hidden_names(const struct hm_stack *s)
{
    size_t n = 0, k = 0;
    char **names;

    while (environ[n] != NULL) {
        n++;
    }
    names = calloc(n + 1, sizeof(*names));
    for (size_t i = 0; names != NULL && i < n; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t len = eq != NULL ? (size_t)(eq - environ[i]) : 0;

        if (eq == NULL || hm_env_keep(s, environ[i], len) ||
            sanitizer_option(environ[i], len)) {
            continue;
        }
        names[k] = strndup(environ[i], len);
        if (names[k++] == NULL) {
            break;
        }
    }
    return names;
}

int
hm_env_scrub(const char *json, struct hm_cli_error *e)
{
    struct hm_stack s = {0};
    char reason[256];
    char **names;
    int rc = 0;

    if (hm_stack_decode(json, strlen(json), &s, reason, sizeof(reason)) < 0) {
        snprintf(e->what, sizeof(e->what), "HERMETIC_FLAGS_JSON: %s", reason);
        return -1;
    }
    names = hidden_names(&s);
    for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
        rc |= unsetenv(names[i]);
        free(names[i]);
    }
    if (names == NULL || rc != 0) {
        snprintf(e->what, sizeof(e->what),
                 "cannot remove hidden variables from the environment");
        rc = -1;
    }
    free(names);
    hm_stack_free(&s);
    return rc;
}
