/*
 * cli.c: parsing the launcher's options into a policy.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
clean(char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            *s = '?';
        }
    }
}

void
hm_cli_error_clean(struct hm_cli_error *e)
{
    clean(e->what);
    clean(e->hint);
}

__attribute__((format(printf, 3, 4))) static void
fail(struct hm_cli_error *e, const char *hint, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(e->what, sizeof(e->what), fmt, ap);
    va_end(ap);
    snprintf(e->hint, sizeof(e->hint), "%s", hint != NULL ? hint : "");
    hm_cli_error_clean(e);
}

/* The field an option names ("--allow-domain" -> allow_domains). */
static const struct hm_field *
option_field(const char *opt, size_t len)
{
    if (len == strlen("--no-env") && strncmp(opt, "--no-env", len) == 0) {
        return hm_field_find("block_environment");
    }
    for (const struct hm_field *f = hm_fields; f->name != NULL; f++) {
        if (f->kind != HM_FIELD_PATH && strlen(f->cli) == len &&
            strncmp(f->cli, opt, len) == 0) {
            return f;
        }
    }
    return NULL;
}

/* Why a value of field was refused, and what to give instead. */
static const struct {
    const char *field, *why, *hint;
} value_help[] = {
    {"allow_domains", "not a host name",
     "give a name such as example.com: it allows the names under it too "
     "(no wildcard, scheme, port or path)"},
    {"allow_ips", "not an address or a CIDR range",
     "give an address or a range such as 10.0.0.0/8 or fd00::/8"},
    {"allow_env", "not a variable name", NULL},
    {"deny_imports", "not a module name",
     "give a dotted module name such as json or xml.dom"},
};

static int
add_value(struct hm_cli *cli, const char *field, const char *opt,
          const char *value, struct hm_cli_error *e)
{
    int rc = hm_policy_add(&cli->policy, field, value);
    size_t n = sizeof(value_help) / sizeof(value_help[0]), i;

    for (i = 0; rc == -EINVAL && i < n; i++) {
        if (strcmp(value_help[i].field, field) == 0) {
            fail(e, value_help[i].hint, "%s: invalid value: %s: %s", opt,
                 value, value_help[i].why);
            return -1;
        }
    }
    if (rc == -EINVAL) {
        fail(e, NULL, "%s: invalid value: %s", opt, value);
    } else if (rc < 0) {
        fail(e, NULL, "%s: out of memory", opt);
    }
    return rc < 0 ? -1 : 0;
}

/* A built-in profile is merged now; any other name is kept for the
 * configuration file (config.c), which reports it if it is unknown. */
static int
add_profile(struct hm_cli *cli, const char *name, struct hm_cli_error *e)
{
    const char *need = hm_profile_unbuilt(name);

    if (need != NULL) {
        char built[128], hint[200];

        hm_profiles_built(built, sizeof(built), ", ");
        snprintf(hint, sizeof(hint), "the profiles of this version: %s",
                 built);
        fail(e, hint,
             "--profile %s: needs %s, which is not available in this "
             "version",
             name, hm_field_find(need)->cli);
        return -1;
    }
    if (hm_policy_apply_profile(&cli->policy, name) == 0) {
        return 0;
    }
    if (name[0] == '\0') {
        fail(e, NULL, "--profile: needs a value");
        return -1;
    }
    cli->profiles[cli->nprofiles++] = (char *)name;
    return 0;
}

/* --kernel or --kernel=strict. */
static int
set_kernel(struct hm_cli *cli, const char *value, struct hm_cli_error *e)
{
    int level = HM_KLEVEL_ON;

    if (value != NULL && strcmp(value, "strict") == 0) {
        level = HM_KLEVEL_STRICT;
    } else if (value != NULL) {
        fail(e, "use --kernel or --kernel=strict",
             "--kernel: invalid value: %s", value);
        return -1;
    }
    return hm_policy_set_kernel(&cli->policy, level) < 0 ? -1 : 0;
}

/* Options hermetic takes that are not policy fields. */
static int
is_option(const char *arg, size_t len, const char *name)
{
    return len == strlen(name) && strncmp(arg, name, len) == 0;
}

/* The options with a value that are not policy fields. */
static int
takes_value_option(const char *arg, size_t len)
{
    return is_option(arg, len, "--profile") ||
           is_option(arg, len, "--config") ||
           is_option(arg, len, "--trace-file") ||
           is_option(arg, len, "--trace-format");
}

/* --trace-file and --trace-format imply tracing, like --allow-domain
 * implies its block. */
static int
set_output(struct hm_cli *cli, const char *arg, size_t len, const char *value,
           struct hm_cli_error *e)
{
    if (is_option(arg, len, "--trace-file")) {
        if (value[0] == '\0') {
            fail(e, NULL, "--trace-file: needs a value");
            return -1;
        }
        cli->trace_file = value;
        return hm_policy_set_bool(&cli->policy, "trace", 1);
    }
    if (strcmp(value, "text") != 0 && strcmp(value, "json") != 0) {
        fail(e, "use --trace-format=text or --trace-format=json",
             "--trace-format: invalid value: %s", value);
        return -1;
    }
    cli->trace_json = strcmp(value, "json") == 0;
    return hm_policy_set_bool(&cli->policy, "trace", 1);
}

/*
 * Handles argv[*i], an option.  Options that take a value take it as
 * "--opt=VALUE" or as the next argument.
 */
static int
parse_option(int argc, char **argv, int *i, struct hm_cli *cli,
             struct hm_cli_error *e)
{
    const char *arg = argv[*i];
    const char *eq = strchr(arg, '=');
    size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
    const char *value = eq != NULL ? eq + 1 : NULL;
    const struct hm_field *f;
    int takes_value;

    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
        cli->help = 1;
        return 0;
    }
    if (strcmp(arg, "--version") == 0) {
        cli->version = 1;
        return 0;
    }
    if (len == strlen("--fs-readonly") &&
        strncmp(arg, "--fs-readonly", len) == 0 && value != NULL) {
        return add_value(cli, "fs_root", "--fs-readonly", value, e);
    }
    if (is_option(arg, len, "--kernel")) {
        return set_kernel(cli, value, e);
    }
    f = option_field(arg, len);
    takes_value =
        f == NULL ? takes_value_option(arg, len) : f->kind == HM_FIELD_LIST;
    if (f == NULL && !takes_value) {
        fail(e, "run 'hermetic --help' for the options", "unknown option: %s",
             arg);
        return -1;
    }
    if (!takes_value) {
        if (value != NULL) {
            fail(e, NULL, "%s: takes no value", f->cli);
            return -1;
        }
        return hm_policy_set_bool(&cli->policy, f->name, 1) < 0 ? -1 : 0;
    }
    if (value == NULL) {
        if (*i + 1 >= argc || strcmp(argv[*i + 1], "--") == 0) {
            fail(e, NULL, "%s: needs a value", arg);
            return -1;
        }
        value = argv[++*i];
    }
    if (f == NULL && is_option(arg, len, "--config")) {
        cli->config = value;
        return 0;
    }
    if (f == NULL && !is_option(arg, len, "--profile")) {
        return set_output(cli, arg, len, value, e);
    }
    if (f == NULL) {
        return add_profile(cli, value, e);
    }
    return add_value(cli, f->name, f->cli, value, e);
}

int
hm_cli_parse(int argc, char **argv, struct hm_cli *cli, struct hm_cli_error *e)
{
    int i;

    memset(cli, 0, sizeof(*cli));
    hm_policy_init(&cli->policy);
    cli->trace_json = -1;
    e->what[0] = e->hint[0] = '\0';
    cli->profiles = calloc((size_t)argc + 1, sizeof(*cli->profiles));
    if (cli->profiles == NULL) {
        fail(e, NULL, "out of memory");
        return -1;
    }
    if (argc <= 1) {
        cli->help = 1;
        return 0;
    }
    for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (argv[i][0] != '-') {
            char hint[512];

            if (i > 1 && strcmp(argv[i - 1], "--fs-readonly") == 0) {
                /* --fs-readonly takes its ROOT only as --fs-readonly=ROOT */
                snprintf(hint, sizeof(hint),
                         "to read only under %.80s, write "
                         "--fs-readonly=%.80s; and put '--' before the "
                         "target",
                         argv[i], argv[i]);
            } else {
                snprintf(hint, sizeof(hint),
                         "put '--' before the target: hermetic [OPTIONS] -- "
                         "TARGET [ARGS...]");
            }
            fail(e, hint, "missing '--' before the target: %s", argv[i]);
            return -1;
        }
        if (parse_option(argc, argv, &i, cli, e) < 0) {
            return -1;
        }
    }
    if (cli->help || cli->version) {
        return 0;
    }
    if (i >= argc || i + 1 >= argc) {
        fail(e, "hermetic [OPTIONS] -- TARGET [ARGS...]", "no target%s",
             i >= argc ? " (missing '--')" : " after '--'");
        return -1;
    }
    cli->target = &argv[i + 1];
    return 0;
}

void
hm_cli_free(struct hm_cli *cli)
{
    hm_policy_free(&cli->policy);
    free(cli->profiles);
    cli->profiles = NULL;
}
