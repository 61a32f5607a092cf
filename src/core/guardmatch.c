/*
 * guardmatch.c: the name rules of the environment, import and native
 * guards.
 */
#include "guardmatch.h"

#include <string.h>

/* The default readable set (SPEC section 3, "Environment"): non-secret
 * variables the standard library needs. */
static const char *const env_names[] = {
    "PATH",  "HOME",     "USER",          "LOGNAME",      "LANG", "LANGUAGE",
    "TZ",    "TMPDIR",   "TEMP",          "TMP",          "TERM", "COLUMNS",
    "LINES", "NO_COLOR", "SSL_CERT_FILE", "SSL_CERT_DIR", NULL,
};

static const char *const env_prefixes[] = {
    "LC_", "PYTHON", "_PYTHON_", "HERMETIC_", NULL,
};

/* Bookkeeping variables a test runner writes itself while it runs (the test
 * and its version; SPEC section 10): writable under a policy that names them
 * in allow_env, and only those. */
static const char *const env_writable_names[] = {
    "PYTEST_CURRENT_TEST",
    "PYTEST_VERSION",
    NULL,
};

static const char *const ffi_modules[] = {
    "ctypes", "_ctypes", "cffi", "_cffi_backend", NULL,
};

static int
same(const char *name, size_t len, const char *s)
{
    return strlen(s) == len && memcmp(name, s, len) == 0;
}

static int
starts_with(const char *name, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);

    return len >= n && memcmp(name, prefix, n) == 0;
}

int
hm_env_default(const char *name, size_t len)
{
    for (size_t i = 0; env_names[i] != NULL; i++) {
        if (same(name, len, env_names[i])) {
            return 1;
        }
    }
    for (size_t i = 0; env_prefixes[i] != NULL; i++) {
        if (starts_with(name, len, env_prefixes[i])) {
            return 1;
        }
    }
    return 0;
}

int
hm_env_allowed(const struct hm_policy *p, const char *name, size_t len)
{
    if (!(p->flags & HM_BLOCK_ENVIRONMENT) || hm_env_default(name, len)) {
        return 1;
    }
    for (size_t i = 0; i < p->allow_env.n; i++) {
        if (same(name, len, p->allow_env.v[i])) {
            return 1;
        }
    }
    return 0;
}

int
hm_env_writable(const struct hm_policy *p, const char *name, size_t len)
{
    int listed = 0;

    if (!(p->flags & HM_BLOCK_ENVIRONMENT)) {
        return 1;
    }
    for (size_t i = 0; env_writable_names[i] != NULL; i++) {
        listed |= same(name, len, env_writable_names[i]);
    }
    for (size_t i = 0; listed && i < p->allow_env.n; i++) {
        if (same(name, len, p->allow_env.v[i])) {
            return 1;
        }
    }
    return 0;
}

int
hm_env_keep(const struct hm_stack *s, const char *name, size_t len)
{
    if (same(name, len, "HERMETIC_FLAGS_JSON") ||
        same(name, len, "LD_PRELOAD")) {
        return 1;
    }
    for (size_t i = 0; i < s->n; i++) {
        /* An observing policy reports reads; it hides nothing. */
        if (!(s->v[i].flags & HM_OBSERVE) &&
            !hm_env_allowed(&s->v[i], name, len)) {
            return 0;
        }
    }
    return 1;
}

int
hm_module_matches(const char *module, size_t len, const char *pattern)
{
    size_t n = strlen(pattern);

    if (len < n || memcmp(module, pattern, n) != 0) {
        return 0;
    }
    return len == n || module[n] == '.';
}

int
hm_module_denied(const struct hm_policy *p, const char *module, size_t len)
{
    for (size_t i = 0; i < p->deny_imports.n; i++) {
        if (hm_module_matches(module, len, p->deny_imports.v[i])) {
            return 1;
        }
    }
    return 0;
}

int
hm_module_is_ffi(const char *module, size_t len)
{
    for (size_t i = 0; ffi_modules[i] != NULL; i++) {
        if (hm_module_matches(module, len, ffi_modules[i])) {
            return 1;
        }
    }
    return 0;
}

int
hm_module_init_name(const char *module, size_t len, char *out, size_t cap)
{
    size_t start = 0, n = 0;

    for (size_t i = len; i > 0; i--) {
        if (module[i - 1] == '.') {
            start = i;
            break;
        }
    }
    for (size_t i = start; i < len && module[i] != '\0'; i++) {
        if (n + 1 >= cap) {
            return -1;
        }
        out[n++] = module[i] == '-' ? '_' : module[i];
    }
    if (cap == 0) {
        return -1;
    }
    out[n] = '\0';
    return (int)n;
}
