/*
 * cli.h: the launcher's command line (SPEC section 7).  Pure: parses
 * argv into a policy and options, prints nothing.
 */
#ifndef HERMETIC_CLI_H
#define HERMETIC_CLI_H

#include <stddef.h>

#include "policy.h"

struct hm_cli {
    struct hm_policy policy;
    int help;
    int version;
    char **target;      /* argv after "--"; NULL-terminated */
    const char *config; /* --config PATH, or NULL */
    char **profiles;    /* --profile names not built in, for config.c */
    size_t nprofiles;
    const char *trace_file; /* --trace-file PATH, or NULL */
    int trace_json;         /* --trace-format: -1 not given, 0 text, 1 json */
};

/* What went wrong, for "hermetic: <what>" and an optional hint. */
struct hm_cli_error {
    char what[512];
    char hint[256];
};

/*
 * Parses argv.  Returns 0, or -1 with e filled.  The caller frees cli
 * with hm_cli_free in both cases; its strings are borrowed from argv.
 * A --profile that is not built in is not an error here: it is kept in
 * cli->profiles for a configuration file to define.
 */
int hm_cli_parse(int argc, char **argv, struct hm_cli *cli,
                 struct hm_cli_error *e);

void hm_cli_free(struct hm_cli *cli);

/* Replaces control characters (a newline in an argument the error
 * quotes) so that the error stays one line each. */
void hm_cli_error_clean(struct hm_cli_error *e);

#endif
