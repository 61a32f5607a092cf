/*
 * test_guardmatch.c: the environment allow-list and the module rules
 * (guardmatch.h, SPEC section 3).
 */
#include <string.h>

#include "guardmatch.h"
#include "tap.h"

struct env_row {
    const char *name;
    const char *allow; /* one --allow-env, or NULL */
    int block;         /* block_environment */
    int want_allowed;
};

static const struct env_row env_rows[] = {
    {"PATH", NULL, 1, 1},
    {"HOME", NULL, 1, 1},
    {"USER", NULL, 1, 1},
    {"LOGNAME", NULL, 1, 1},
    {"LANG", NULL, 1, 1},
    {"LANGUAGE", NULL, 1, 1},
    {"LC_ALL", NULL, 1, 1},
    {"LC_CTYPE", NULL, 1, 1},
    {"TZ", NULL, 1, 1},
    {"TMPDIR", NULL, 1, 1},
    {"TEMP", NULL, 1, 1},
    {"TMP", NULL, 1, 1},
    {"TERM", NULL, 1, 1},
    {"COLUMNS", NULL, 1, 1},
    {"LINES", NULL, 1, 1},
    {"NO_COLOR", NULL, 1, 1},
    {"PYTHONPATH", NULL, 1, 1},
    {"PYTHONHASHSEED", NULL, 1, 1},
    {"_PYTHON_SYSCONFIGDATA_NAME", NULL, 1, 1},
    {"SSL_CERT_FILE", NULL, 1, 1},
    {"SSL_CERT_DIR", NULL, 1, 1},
    {"HERMETIC_FLAGS_JSON", NULL, 1, 1},
    {"AWS_SECRET_ACCESS_KEY", NULL, 1, 0},
    {"LD_PRELOAD", NULL, 1, 0},
    {"path", NULL, 1, 0},
    {"PATHX", NULL, 1, 0},
    {"PAT", NULL, 1, 0},
    {"LC", NULL, 1, 0},
    {"TERMINFO", NULL, 1, 0},
    {"TMPX", NULL, 1, 0},
    {"PYTHO", NULL, 1, 0},
    {"_PYTHON", NULL, 1, 0},
    {"", NULL, 1, 0},
    {"SECRET", "SECRET", 1, 1},
    {"SECRET2", "SECRET", 1, 0},
    {"SECRE", "SECRET", 1, 0},
    {"SECRET", NULL, 0, 1},
};

static void
test_env_allowed(void)
{
    for (size_t i = 0; i < sizeof(env_rows) / sizeof(env_rows[0]); i++) {
        const struct env_row *r = &env_rows[i];
        struct hm_policy p;

        hm_policy_init(&p);
        if (r->block) {
            hm_policy_set_bool(&p, "block_environment", 1);
        }
        if (r->allow != NULL) {
            hm_policy_add(&p, "allow_env", r->allow);
        }
        TAP_OK(hm_env_allowed(&p, r->name, strlen(r->name)) == r->want_allowed,
               "env %s (allow %s, block %d)", r->name,
               r->allow ? r->allow : "-", r->block);
        hm_policy_free(&p);
    }
}

struct write_row {
    const char *name;
    const char *allow;
    int block;
    int want;
};

/* Only the bookkeeping variable, and only where allow_env names it. */
static const struct write_row write_rows[] = {
    {"PYTEST_CURRENT_TEST", "PYTEST_CURRENT_TEST", 1, 1},
    {"PYTEST_CURRENT_TEST", NULL, 1, 0},
    {"PYTEST_VERSION", "PYTEST_VERSION", 1, 1},
    {"PYTEST_CURRENT_TEST", "OTHER", 1, 0},
    {"SECRET", "SECRET", 1, 0},
    {"PATH", NULL, 1, 0},
    {"PYTEST_CURRENT_TESTX", "PYTEST_CURRENT_TESTX", 1, 0},
    {"SECRET", NULL, 0, 1},
};

static void
test_env_writable(void)
{
    for (size_t i = 0; i < sizeof(write_rows) / sizeof(write_rows[0]); i++) {
        const struct write_row *r = &write_rows[i];
        struct hm_policy p;

        hm_policy_init(&p);
        if (r->block) {
            hm_policy_set_bool(&p, "block_environment", 1);
        }
        if (r->allow != NULL) {
            hm_policy_add(&p, "allow_env", r->allow);
        }
        TAP_OK(hm_env_writable(&p, r->name, strlen(r->name)) == r->want,
               "write %s (allow %s, block %d)", r->name,
               r->allow ? r->allow : "-", r->block);
        hm_policy_free(&p);
    }
}

struct keep_row {
    const char *name;
    int want_keep;
};

/* Stack: --allow-env A --allow-env B under --allow-env A: only A of the
 * extra names passes both. */
static const struct keep_row keep_rows[] = {
    {"A", 1},
    {"B", 0},
    {"C", 0},
    {"PATH", 1},
    {"HERMETIC_FLAGS_JSON", 1},
    {"LD_PRELOAD", 1},
    {"LD_LIBRARY_PATH", 0},
};

static void
test_env_keep(void)
{
    struct hm_policy v[2];
    struct hm_stack s = {v, 2, 0};

    hm_policy_init(&v[0]);
    hm_policy_init(&v[1]);
    hm_policy_add(&v[0], "allow_env", "A");
    hm_policy_add(&v[1], "allow_env", "A");
    hm_policy_add(&v[1], "allow_env", "B");
    for (size_t i = 0; i < sizeof(keep_rows) / sizeof(keep_rows[0]); i++) {
        const struct keep_row *r = &keep_rows[i];

        TAP_OK(hm_env_keep(&s, r->name, strlen(r->name)) == r->want_keep,
               "keep %s", r->name);
    }
    s.n = 0;
    TAP_OK(hm_env_keep(&s, "C", 1), "an empty stack keeps everything");
    hm_policy_free(&v[0]);
    hm_policy_free(&v[1]);
}

struct module_row {
    const char *module;
    const char *pattern;
    int want;
};

static const struct module_row module_rows[] = {
    {"json", "json", 1},
    {"json.decoder", "json", 1},
    {"json.decoder.x", "json", 1},
    {"jsonx", "json", 0},
    {"json_", "json", 0},
    {"js", "json", 0},
    {"xjson", "json", 0},
    {"a.json", "json", 0},
    {"requests.adapters", "requests.adapters", 1},
    {"requests.adapters.x", "requests.adapters", 1},
    {"requests", "requests.adapters", 0},
    {"requests.adaptersx", "requests.adapters", 0},
    {"", "json", 0},
};

static void
test_module_matches(void)
{
    for (size_t i = 0; i < sizeof(module_rows) / sizeof(module_rows[0]); i++) {
        const struct module_row *r = &module_rows[i];

        TAP_OK(hm_module_matches(r->module, strlen(r->module), r->pattern) ==
                   r->want,
               "module %s against %s", r->module, r->pattern);
    }
}

static const struct module_row ffi_rows[] = {
    {"ctypes", NULL, 1},         {"ctypes.util", NULL, 1},
    {"_ctypes", NULL, 1},        {"cffi", NULL, 1},
    {"cffi.api", NULL, 1},       {"_cffi_backend", NULL, 1},
    {"ctypesx", NULL, 0},        {"json", NULL, 0},
    {"_cffi_backendx", NULL, 0},
};

static void
test_ffi(void)
{
    for (size_t i = 0; i < sizeof(ffi_rows) / sizeof(ffi_rows[0]); i++) {
        const struct module_row *r = &ffi_rows[i];

        TAP_OK(hm_module_is_ffi(r->module, strlen(r->module)) == r->want,
               "ffi %s", r->module);
    }
}

static void
test_init_name(void)
{
    static const struct {
        const char *name;
        size_t len; /* 0: strlen */
        const char *want;
    } rows[] = {
        {"_ctypes", 0, "_ctypes"},
        {"x._ctypes", 0, "_ctypes"},
        {"a.b.-ctypes", 0, "_ctypes"},
        {"x\0._posixsubprocess", 19, "_posixsubprocess"},
        {"_socket\0junk", 12, "_socket"},
        {"pkg.", 0, ""},
        {"-", 0, "_"},
    };
    char out[64];

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        size_t len = rows[i].len ? rows[i].len : strlen(rows[i].name);
        int n = hm_module_init_name(rows[i].name, len, out, sizeof(out));

        TAP_OK(n == (int)strlen(rows[i].want) &&
                   strcmp(out, rows[i].want) == 0,
               "init name of row %zu is %s", i, rows[i].want);
    }
    TAP_OK(hm_module_init_name("abcdef", 6, out, 4) == -1, "does not fit");
}

static void
test_module_denied(void)
{
    struct hm_policy p;

    hm_policy_init(&p);
    TAP_OK(!hm_module_denied(&p, "json", 4), "nothing denied by default");
    hm_policy_add(&p, "deny_imports", "json");
    hm_policy_add(&p, "deny_imports", "xml.dom");
    TAP_OK(hm_module_denied(&p, "json", 4), "json denied");
    TAP_OK(hm_module_denied(&p, "xml.dom.minidom", 15), "xml.dom.* denied");
    TAP_OK(!hm_module_denied(&p, "xml", 3), "xml itself allowed");
    TAP_OK(!hm_module_denied(&p, "xml.etree", 9), "xml.etree allowed");
    hm_policy_free(&p);
}

int
main(void)
{
    test_env_allowed();
    test_env_writable();
    test_env_keep();
    test_module_matches();
    test_ffi();
    test_init_name();
    test_module_denied();
    return tap_done();
}
