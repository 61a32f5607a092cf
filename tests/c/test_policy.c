/*
 * test_policy.c: fields, validation, profiles, merging and the JSON
 * encoding of policies (policy.h, SPEC sections 2 and 7).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "tap.h"

static void
test_field_table(void)
{
    static const char *const names[] = {
        "block_network",
        "allow_localhost",
        "allow_domains",
        "allow_ips",
        "block_unix_sockets",
        "block_subprocess",
        "fs_readonly",
        "fs_root",
        "allow_write",
        "block_environment",
        "allow_env",
        "block_code_exec",
        "deny_imports",
        "block_interpreter_mutation",
        "block_native",
        "trace",
        "sealed",
        "kernel",
        "observe",
    };
    size_t n = 0;

    while (hm_fields[n].name != NULL) {
        n++;
    }
    TAP_OK(n == sizeof(names) / sizeof(names[0]), "18 fields");
    for (size_t i = 0; i < n && i < sizeof(names) / sizeof(names[0]); i++) {
        TAP_STREQ(hm_fields[i].name, names[i], "field %zu", i);
        TAP_OK(hm_field_find(names[i]) == &hm_fields[i], "find %s", names[i]);
    }
    TAP_OK(hm_field_find("nope") == NULL, "find unknown");
    TAP_OK(hm_field_find(NULL) == NULL, "find NULL");
    TAP_STREQ(hm_field_find("fs_root")->cli, "--fs-readonly=ROOT",
              "fs_root cli");
    TAP_STREQ(hm_field_find("sealed")->cli, "--seal", "sealed cli");
    TAP_STREQ(hm_field_find("allow_domains")->cli, "--allow-domain",
              "allow_domains cli");
    TAP_OK(hm_field_find("deny_imports")->flag == 0,
           "deny_imports implies no block");
    TAP_OK(hm_field_find("allow_env")->flag == HM_BLOCK_ENVIRONMENT,
           "allow_env implies block_environment");
}

struct bool_row {
    const char *field;
    int value;
    int rc;
    unsigned flags; /* after setting it on an empty policy */
};

static const struct bool_row bool_rows[] = {
    {"block_network", 1, 0, HM_BLOCK_NETWORK},
    {"allow_localhost", 1, 0, HM_ALLOW_LOCALHOST | HM_BLOCK_NETWORK},
    {"block_unix_sockets", 1, 0, HM_BLOCK_UNIX_SOCKETS},
    {"block_subprocess", 1, 0, HM_BLOCK_SUBPROCESS},
    {"fs_readonly", 1, 0, HM_FS_READONLY},
    {"block_environment", 1, 0, HM_BLOCK_ENVIRONMENT},
    {"block_code_exec", 1, 0, HM_BLOCK_CODE_EXEC},
    {"block_interpreter_mutation", 1, 0, HM_BLOCK_INTERPRETER_MUTATION},
    {"block_native", 1, 0, HM_BLOCK_NATIVE},
    {"trace", 1, 0, HM_TRACE},
    {"sealed", 1, 0, HM_SEALED},
    {"block_network", 0, 0, 0},
    {"allow_domains", 1, -ENOENT, 0},
    {"fs_root", 1, -ENOENT, 0},
    {"no_network", 1, -ENOENT, 0},
    {"", 1, -ENOENT, 0},
};

static void
test_set_bool(void)
{
    struct hm_policy p;

    for (size_t i = 0; i < sizeof(bool_rows) / sizeof(bool_rows[0]); i++) {
        const struct bool_row *r = &bool_rows[i];

        hm_policy_init(&p);
        TAP_OK(hm_policy_set_bool(&p, r->field, r->value) == r->rc &&
                   p.flags == r->flags,
               "set_bool(%s, %d)", r->field, r->value);
        hm_policy_free(&p);
    }
    hm_policy_init(&p);
    hm_policy_set_bool(&p, "block_network", 1);
    hm_policy_set_bool(&p, "block_network", 0);
    TAP_OK(p.flags == 0, "set_bool 0 clears");
    hm_policy_set_bool(&p, "allow_localhost", 1);
    hm_policy_set_bool(&p, "block_network", 0);
    TAP_OK(p.flags == (HM_ALLOW_LOCALHOST | HM_BLOCK_NETWORK),
           "an allowance keeps its block set");
    hm_policy_free(&p);
}

struct add_row {
    const char *field;
    const char *value;
    int rc;
    unsigned flags;    /* after adding to an empty policy */
    const char *error; /* hm_field_value_error(field) */
};

static const struct add_row add_rows[] = {
    {"allow_domains", "example.com", 0, HM_BLOCK_NETWORK, "invalid domain"},
    {"allow_domains", "Example.COM.", 0, HM_BLOCK_NETWORK, "invalid domain"},
    {"allow_domains", "a b", -EINVAL, 0, "invalid domain"},
    {"allow_domains", "*.example.com", -EINVAL, 0, "invalid domain"},
    {"allow_domains", "", -EINVAL, 0, "invalid domain"},
    {"allow_ips", "10.0.0.0/8", 0, HM_BLOCK_NETWORK, "invalid CIDR"},
    {"allow_ips", "::1", 0, HM_BLOCK_NETWORK, "invalid CIDR"},
    {"allow_ips", "300.1.1.1", -EINVAL, 0, "invalid CIDR"},
    {"allow_ips", "10.0.0.1/8", -EINVAL, 0, "invalid CIDR"},
    {"allow_ips", "", -EINVAL, 0, "invalid CIDR"},
    {"fs_root", "/srv/data", 0, HM_FS_READONLY, "invalid path"},
    {"fs_root", "relative", 0, HM_FS_READONLY, "invalid path"},
    {"fs_root", "", -EINVAL, 0, "invalid path"},
    {"fs_root", "/bad/\xff", -EINVAL, 0, "invalid path"},
    {"allow_write", "/tmp", 0, HM_FS_READONLY, "invalid path"},
    {"allow_write", "/tmp/caf\xc3\xa9", 0, HM_FS_READONLY, "invalid path"},
    {"allow_write", "/tmp/a\nb", 0, HM_FS_READONLY, "invalid path"},
    {"allow_write", "", -EINVAL, 0, "invalid path"},
    {"allow_write", "/tmp/\xc3", -EINVAL, 0, "invalid path"},
    {"allow_env", "MY_VAR", 0, HM_BLOCK_ENVIRONMENT, "invalid variable name"},
    {"allow_env", "_x1", 0, HM_BLOCK_ENVIRONMENT, "invalid variable name"},
    {"allow_env", "1BAD", -EINVAL, 0, "invalid variable name"},
    {"allow_env", "A-B", -EINVAL, 0, "invalid variable name"},
    {"allow_env", "A=B", -EINVAL, 0, "invalid variable name"},
    {"allow_env", "A.B", -EINVAL, 0, "invalid variable name"},
    {"allow_env", "", -EINVAL, 0, "invalid variable name"},
    {"deny_imports", "requests", 0, 0, "invalid module name"},
    {"deny_imports", "a.b_c.D1", 0, 0, "invalid module name"},
    {"deny_imports", "_private", 0, 0, "invalid module name"},
    {"deny_imports", "a..b", -EINVAL, 0, "invalid module name"},
    {"deny_imports", ".a", -EINVAL, 0, "invalid module name"},
    {"deny_imports", "a.", -EINVAL, 0, "invalid module name"},
    {"deny_imports", "1a", -EINVAL, 0, "invalid module name"},
    {"deny_imports", "a.1b", -EINVAL, 0, "invalid module name"},
    {"deny_imports", "a-b", -EINVAL, 0, "invalid module name"},
    {"deny_imports", "", -EINVAL, 0, "invalid module name"},
    {"deny_imports", "caf\xc3\xa9", -EINVAL, 0, "invalid module name"},
    {"block_network", "x", -ENOENT, 0, NULL},
    {"nope", "x", -ENOENT, 0, NULL},
};

static void
test_add(void)
{
    struct hm_policy p;

    for (size_t i = 0; i < sizeof(add_rows) / sizeof(add_rows[0]); i++) {
        const struct add_row *r = &add_rows[i];
        const char *error = hm_field_value_error(r->field);

        hm_policy_init(&p);
        TAP_OK(hm_policy_add(&p, r->field, r->value) == r->rc &&
                   p.flags == r->flags,
               "add row %zu (%s)", i, r->field);
        TAP_OK(error == r->error ||
                   (error && r->error && !strcmp(error, r->error)),
               "value error of %s", r->field);
        hm_policy_free(&p);
    }
}

static void
test_add_stores(void)
{
    struct hm_policy p;

    hm_policy_init(&p);
    hm_policy_add(&p, "allow_domains", "Example.COM.");
    hm_policy_add(&p, "allow_domains", "example.com");
    hm_policy_add(&p, "allow_domains", "api.example.com");
    TAP_OK(p.allow_domains.n == 2, "same domain is not added twice");
    TAP_STREQ(p.allow_domains.v[0], "example.com", "domain is normalised");
    hm_policy_add(&p, "allow_ips", "::ffff:10.0.0.0/104");
    hm_policy_add(&p, "allow_ips", "10.0.0.0/8");
    TAP_OK(p.allow_ips.n == 1 && p.allow_ips.v[0].prefix == 8 &&
               p.allow_ips.v[0].addr.family == HM_AF_INET,
           "same range in two spellings is stored once, as IPv4");
    TAP_OK(hm_policy_add(&p, "fs_root", "/srv") == 0, "root set");
    TAP_OK(hm_policy_add(&p, "fs_root", "/srv") == 0, "same root again");
    TAP_OK(hm_policy_add(&p, "fs_root", "/other") == -EINVAL,
           "another root is rejected");
    TAP_STREQ(p.fs_root, "/srv", "first root kept");
    TAP_OK(hm_policy_add(&p, "allow_env", NULL) == -EINVAL, "NULL value");
    hm_policy_free(&p);
    TAP_OK(p.allow_domains.n == 0 && p.fs_root == NULL && p.flags == 0,
           "free leaves an empty policy");
}

struct profile_row {
    const char *name;
    int rc;
    unsigned flags;
};

static const struct profile_row profile_rows[] = {
    {"block-all", 0,
     HM_BLOCK_NETWORK | HM_BLOCK_UNIX_SOCKETS | HM_BLOCK_SUBPROCESS |
         HM_FS_READONLY | HM_BLOCK_ENVIRONMENT | HM_BLOCK_CODE_EXEC |
         HM_BLOCK_INTERPRETER_MUTATION | HM_BLOCK_NATIVE},
    {"net-hermetic", 0, HM_BLOCK_NETWORK | HM_ALLOW_LOCALHOST},
    {"exec-deny", 0, HM_BLOCK_SUBPROCESS},
    {"fs-readonly", 0, HM_FS_READONLY},
    {"block-native", 0, HM_BLOCK_NATIVE},
    {"block_all", -ENOENT, 0},
    {"", -ENOENT, 0},
    {NULL, -ENOENT, 0},
};

static void
test_profiles(void)
{
    struct hm_policy p;
    size_t n = 0;

    for (size_t i = 0; i < sizeof(profile_rows) / sizeof(profile_rows[0]);
         i++) {
        const struct profile_row *r = &profile_rows[i];

        hm_policy_init(&p);
        TAP_OK(hm_policy_apply_profile(&p, r->name) == r->rc &&
                   p.flags == r->flags,
               "profile %s", r->name ? r->name : "(null)");
        hm_policy_free(&p);
    }
    while (hm_profile_names[n] != NULL) {
        hm_policy_init(&p);
        TAP_OK(hm_policy_apply_profile(&p, hm_profile_names[n]) == 0,
               "listed profile %s exists", hm_profile_names[n]);
        hm_policy_free(&p);
        n++;
    }
    TAP_OK(n == 5, "five profiles listed");

    hm_policy_init(&p);
    hm_policy_apply_profile(&p, "block-all");
    hm_policy_apply_profile(&p, "net-hermetic");
    TAP_OK(p.flags == (profile_rows[0].flags | HM_ALLOW_LOCALHOST),
           "block-all + net-hermetic is block-all with loopback");
    hm_policy_free(&p);
}

/* A policy with something in every field. */
static void
full_policy(struct hm_policy *p)
{
    hm_policy_init(p);
    hm_policy_apply_profile(p, "block-all");
    hm_policy_set_bool(p, "allow_localhost", 1);
    hm_policy_set_bool(p, "trace", 1);
    hm_policy_set_bool(p, "sealed", 1);
    hm_policy_add(p, "allow_domains", "example.com");
    hm_policy_add(p, "allow_domains", "pypi.org");
    hm_policy_add(p, "allow_ips", "10.0.0.0/8");
    hm_policy_add(p, "allow_ips", "2001:db8::/32");
    hm_policy_add(p, "allow_ips", "::ffff:192.168.0.0/112");
    hm_policy_add(p, "fs_root", "/srv/caf\xc3\xa9 \"q\"\\");
    hm_policy_add(p, "allow_write", "/tmp");
    hm_policy_add(p, "allow_write", "/tmp/a\nb\t\x01\x7f");
    hm_policy_add(p, "allow_env", "HOME_X");
    hm_policy_add(p, "deny_imports", "requests.adapters");
    hm_policy_set_kernel(p, HM_KLEVEL_STRICT);
}

struct level_row {
    const char *json; /* the value of "kernel" */
    int rc;
    int level;
};

static const struct level_row level_rows[] = {
    {"false", 0, HM_KLEVEL_OFF},
    {"true", 0, HM_KLEVEL_ON},
    {"\"strict\"", 0, HM_KLEVEL_STRICT},
    {"\"on\"", -EINVAL, 0},
    {"1", -EINVAL, 0},
    {"null", -EINVAL, 0},
    {"\"Strict\"", -EINVAL, 0},
};

/* kernel: three levels; strict implies on; merging keeps the highest. */
static void
test_kernel_level(void)
{
    struct hm_policy a, b;
    char json[256], err[256];

    hm_policy_init(&a);
    hm_policy_init(&b);
    TAP_OK(hm_policy_set_kernel(&a, 3) == -EINVAL, "level 3 refused");
    TAP_OK(hm_policy_set_kernel(&a, HM_KLEVEL_STRICT) == 0 &&
               (a.flags & HM_KERNEL),
           "strict implies on");
    TAP_OK(hm_policy_set_bool(&a, "kernel", 0) == 0 &&
               hm_policy_kernel(&a) == HM_KLEVEL_OFF,
           "kernel=false clears strict");
    {
        const struct hm_policy *v[2] = {&a, &b};

        hm_policy_set_kernel(&b, HM_KLEVEL_OFF);
        TAP_OK(hm_policies_kernel(v, 2) == HM_KLEVEL_OFF &&
                   hm_policies_kernel(v, 0) == HM_KLEVEL_OFF,
               "a stack without kernel asks nothing");
        hm_policy_set_kernel(&b, HM_KLEVEL_STRICT);
        TAP_OK(hm_policies_kernel(v, 2) == HM_KLEVEL_STRICT,
               "a stack asks its highest level");
    }
    hm_policy_set_kernel(&a, HM_KLEVEL_ON);
    hm_policy_set_kernel(&b, HM_KLEVEL_STRICT);
    hm_policy_merge(&a, &b);
    TAP_OK(hm_policy_kernel(&a) == HM_KLEVEL_STRICT, "merge keeps strict");
    TAP_OK(hm_policy_blocks_nothing(&a), "kernel alone blocks nothing");
    for (size_t i = 0; i < sizeof(level_rows) / sizeof(level_rows[0]); i++) {
        const struct level_row *r = &level_rows[i];
        struct hm_stack s;
        int rc;

        snprintf(json, sizeof(json),
                 "{\"version\":1,\"stack\":[{\"kernel\":%s}]}", r->json);
        rc = hm_stack_decode(json, strlen(json), &s, err, sizeof(err));
        TAP_OK(rc == r->rc, "decode kernel=%s: %d", r->json, rc);
        if (rc == 0) {
            TAP_OK(hm_policy_kernel(&s.v[0]) == r->level, "level of %s",
                   r->json);
            hm_stack_free(&s);
        } else {
            TAP_STREQ(err,
                      "stack[0]: kernel: expected true, false or "
                      "\"strict\"",
                      "reason for %s", r->json);
        }
    }
    hm_policy_free(&a);
    hm_policy_free(&b);
}

static void
test_merge_copy(void)
{
    struct hm_policy a, b, c;

    hm_policy_init(&a);
    hm_policy_init(&b);
    hm_policy_add(&a, "allow_domains", "a.org");
    hm_policy_add(&a, "allow_ips", "10.0.0.0/8");
    hm_policy_set_bool(&a, "trace", 1);
    hm_policy_add(&b, "allow_domains", "b.org");
    hm_policy_add(&b, "allow_domains", "a.org");
    hm_policy_add(&b, "allow_ips", "10.0.0.0/8");
    hm_policy_add(&b, "deny_imports", "x");
    hm_policy_set_bool(&b, "block_subprocess", 1);
    TAP_OK(hm_policy_merge(&a, &b) == 0, "merge");
    TAP_OK(a.flags == (HM_BLOCK_NETWORK | HM_TRACE | HM_BLOCK_SUBPROCESS),
           "merge ORs booleans");
    TAP_OK(a.allow_domains.n == 2 && !strcmp(a.allow_domains.v[1], "b.org"),
           "merge concatenates without duplicates");
    TAP_OK(a.allow_ips.n == 1 && a.deny_imports.n == 1, "merge other lists");

    hm_policy_add(&a, "fs_root", "/one");
    hm_policy_add(&b, "fs_root", "/two");
    TAP_OK(hm_policy_merge(&a, &b) == -EINVAL, "merge of two roots fails");
    hm_policy_free(&a);
    hm_policy_free(&b);

    full_policy(&a);
    TAP_OK(hm_policy_copy(&c, &a) == 0 && hm_policy_equal(&a, &c),
           "copy is equal");
    hm_policy_init(&b);
    TAP_OK(!hm_policy_equal(&a, &b), "full and empty differ");
    hm_policy_free(&c);
    hm_policy_free(&a);
}

struct unbuilt_row {
    const char *profile;
    const char *field;
    const char *value;
    const char *want;
};

static const struct unbuilt_row unbuilt_rows[] = {
    {NULL, NULL, NULL, NULL},
    {"net-hermetic", NULL, NULL, NULL},
    {"exec-deny", NULL, NULL, NULL},
    {"fs-readonly", NULL, NULL, NULL},
    {"block-native", NULL, NULL, NULL},
    {"block-all", NULL, NULL, NULL},
    {NULL, "allow_domains", "example.com", NULL},
    {NULL, "allow_ips", "10.0.0.0/8", NULL},
    {NULL, "fs_root", "/srv", NULL},
    {NULL, "allow_write", "/tmp", NULL},
    {NULL, "allow_env", "X", NULL},
    {NULL, "deny_imports", "x", NULL},
    {"block-native", "allow_env", "X", NULL},
    {"fs-readonly", "deny_imports", "x", NULL},
};

static void
test_unbuilt(void)
{
    size_t n = sizeof(unbuilt_rows) / sizeof(unbuilt_rows[0]);
    struct hm_policy p;

    for (size_t i = 0; i < n; i++) {
        const struct unbuilt_row *r = &unbuilt_rows[i];
        const char *got;

        hm_policy_init(&p);
        if (r->profile != NULL) {
            hm_policy_apply_profile(&p, r->profile);
        }
        if (r->field != NULL) {
            hm_policy_add(&p, r->field, r->value);
        }
        got = hm_policy_unbuilt(&p);
        TAP_OK(got == r->want || (got && r->want && !strcmp(got, r->want)),
               "unbuilt row %zu: %s", i, r->want ? r->want : "(none)");
        hm_policy_free(&p);
    }
}

static void
test_blocks_nothing(void)
{
    struct hm_policy p;

    hm_policy_init(&p);
    TAP_OK(hm_policy_blocks_nothing(&p), "a new policy blocks nothing");
    hm_policy_set_bool(&p, "sealed", 1);
    hm_policy_set_bool(&p, "observe", 1);
    hm_policy_set_bool(&p, "trace", 1);
    hm_policy_set_bool(&p, "kernel", 1);
    TAP_OK(hm_policy_blocks_nothing(&p),
           "sealed, observe, trace and kernel block nothing");
    hm_policy_set_bool(&p, "allow_localhost", 1);
    TAP_OK(!hm_policy_blocks_nothing(&p), "allow_localhost blocks");
    hm_policy_free(&p);
    hm_policy_init(&p);
    hm_policy_add(&p, "deny_imports", "x");
    TAP_OK(!hm_policy_blocks_nothing(&p), "deny_imports blocks");
    hm_policy_free(&p);
}

static void
test_encode_exact(void)
{
    struct hm_policy p;
    const struct hm_policy *v[1] = {&p};
    char *out;

    hm_policy_init(&p);
    hm_policy_add(&p, "allow_domains", "Example.com");
    hm_policy_add(&p, "allow_ips", "::ffff:10.0.0.0/104");
    hm_policy_set_bool(&p, "trace", 1);
    out = hm_stack_encode(v, 1, 1);
    TAP_STREQ(out,
              "{\"version\":1,\"seal_all\":true,\"stack\":[{"
              "\"block_network\":true,\"allow_localhost\":false,"
              "\"allow_domains\":[\"example.com\"],"
              "\"allow_ips\":[\"10.0.0.0/8\"],"
              "\"block_unix_sockets\":false,\"block_subprocess\":false,"
              "\"fs_readonly\":false,\"fs_root\":null,\"allow_write\":[],"
              "\"block_environment\":false,\"allow_env\":[],"
              "\"block_code_exec\":false,\"deny_imports\":[],"
              "\"block_interpreter_mutation\":false,"
              "\"block_native\":false,\"trace\":true,\"sealed\":false,"
              "\"kernel\":false,\"observe\":false}]}",
              "encoding of one policy");
    free(out);
    out = hm_stack_encode(NULL, 0, 0);
    TAP_STREQ(out, "{\"version\":1,\"seal_all\":false,\"stack\":[]}",
              "encoding of an empty stack");
    free(out);
    hm_policy_free(&p);
}

/* The run's output settings travel after the stack, only when set. */
static void
test_output_round_trip(void)
{
    struct hm_output o;
    struct hm_stack s;
    char err[256];
    char *out;
    int rc;

    hm_output_init(&o);
    out = hm_stack_encode_out(NULL, 0, 0, &o);
    TAP_STREQ(out, "{\"version\":1,\"seal_all\":false,\"stack\":[]}",
              "unset output is not encoded");
    free(out);
    o.trace_fd = 7;
    o.trace_json = 1;
    o.log_fd = 9;
    o.top_pid = 1234;
    out = hm_stack_encode_out(NULL, 0, 0, &o);
    TAP_STREQ(out,
              "{\"version\":1,\"seal_all\":false,\"stack\":[],"
              "\"output\":{\"trace_json\":true,\"trace_fd\":7,"
              "\"log_fd\":9,\"top_pid\":1234}}",
              "output encoded after the stack");
    rc = hm_stack_decode(out, strlen(out), &s, err, sizeof(err));
    TAP_OK(rc == 0 && s.out.trace_fd == 7 && s.out.trace_json == 1 &&
               s.out.log_fd == 9 && s.out.top_pid == 1234,
           "output decoded: %s", rc ? err : "ok");
    hm_stack_free(&s);
    free(out);
    rc = hm_stack_decode("{\"version\":1}", 13, &s, err, sizeof(err));
    TAP_OK(rc == 0 && s.out.trace_fd == -1 && s.out.log_fd == -1 &&
               !s.out.trace_json,
           "no output: no descriptors");
    hm_stack_free(&s);
}

/* An observing policy is empty: it blocks nothing. */
static void
test_observe_field(void)
{
    struct hm_policy p;

    hm_policy_init(&p);
    TAP_OK(hm_policy_set_bool(&p, "observe", 1) == 0 && p.flags == HM_OBSERVE,
           "observe is a boolean field");
    TAP_OK(hm_policy_blocks_nothing(&p), "observe alone blocks nothing");
    TAP_OK(hm_policy_unbuilt(&p) == NULL, "observe is built");
    TAP_STREQ(hm_field_find("observe")->cli, "--observe", "its option");
    hm_policy_free(&p);
}

static void
test_round_trip(void)
{
    struct hm_policy a, b;
    const struct hm_policy *v[3] = {&a, &b, &a};
    struct hm_stack s;
    char err[256];
    char *out;
    int rc;

    full_policy(&a);
    hm_policy_init(&b);
    hm_policy_set_bool(&b, "block_subprocess", 1);
    hm_policy_set_kernel(&b, HM_KLEVEL_ON);
    out = hm_stack_encode(v, 3, 1);
    rc = hm_stack_decode(out, strlen(out), &s, err, sizeof(err));
    TAP_OK(rc == 0, "round trip decodes: %s", err);
    TAP_OK(rc == 0 && s.n == 3 && s.seal_all == 1, "stack shape kept");
    TAP_OK(rc == 0 && hm_policy_equal(&s.v[0], &a) &&
               hm_policy_equal(&s.v[1], &b) && hm_policy_equal(&s.v[2], &a),
           "every policy equal after the round trip");
    if (rc == 0) {
        hm_stack_free(&s);
    }
    free(out);
    hm_policy_free(&a);
    hm_policy_free(&b);
}

struct good_row {
    const char *json;
    size_t n;
    int seal_all;
    unsigned flags0; /* flags of stack[0] */
};

static const struct good_row good_rows[] = {
    {"{\"version\":1}", 0, 0, 0},
    {" { \"stack\" : [ ] , \"version\" : 1 } \n", 0, 0, 0},
    {"{\"version\":1,\"seal_all\":true,\"stack\":[{}]}", 1, 1, 0},
    {"{\"version\":1,\"stack\":[{\"fs_root\":null}]}", 1, 0, 0},
    {"{\"version\":1,\"stack\":[{\"allow_domains\":[\"x.org\"],"
     "\"block_network\":false}]}",
     1, 0, HM_BLOCK_NETWORK},
    {"{\"version\":1,\"stack\":[{\"allow_localhost\":true}]}", 1, 0,
     HM_BLOCK_NETWORK | HM_ALLOW_LOCALHOST},
    {"{\"version\":1,\"stack\":[{\"allow_write\":[\"/tmp/\\u00e9\"]}]}", 1, 0,
     HM_FS_READONLY},
    {"{\"version\":1,\"stack\":[{\"allow_env\":[\"A\",\"A\"]}]}", 1, 0,
     HM_BLOCK_ENVIRONMENT},
};

static void
test_decode_good(void)
{
    size_t n = sizeof(good_rows) / sizeof(good_rows[0]);
    struct hm_stack s;
    char err[256];

    for (size_t i = 0; i < n; i++) {
        const struct good_row *r = &good_rows[i];
        int rc =
            hm_stack_decode(r->json, strlen(r->json), &s, err, sizeof(err));

        TAP_OK(rc == 0 && s.n == r->n && s.seal_all == r->seal_all &&
                   (s.n == 0 || s.v[0].flags == r->flags0),
               "good row %zu: %s", i, rc ? err : "decoded");
        if (rc == 0) {
            hm_stack_free(&s);
        }
    }
}

struct bad_row {
    const char *json;
    const char *err;
};

#define ST(policy) "{\"version\":1,\"stack\":[" policy "]}"

static const struct bad_row bad_rows[] = {
    {"", "invalid JSON at byte 0: unexpected end of input"},
    {"{\"version\":1", "invalid JSON at byte 12: unexpected end of input"},
    {"{\"version\":1} x", "invalid JSON at byte 14: trailing data"},
    {"[]", "expected a JSON object"},
    {"{}", "missing version"},
    {"{\"stack\":[]}", "missing version"},
    {"{\"version\":\"1\"}", "version: expected an integer"},
    {"{\"version\":null}", "version: expected an integer"},
    {"{\"version\":2,\"stack\":[{\"nope\":1}]}",
     "unsupported HERMETIC_FLAGS_JSON version 2"},
    {"{\"version\":0}", "unsupported HERMETIC_FLAGS_JSON version 0"},
    {"{\"version\":1.0}", "invalid JSON at byte 12: unsupported number"},
    {"{\"version\":1,\"version\":1}", "duplicate key: version"},
    {"{\"version\":1,\"x\":1}", "unknown key: x"},
    {"{\"version\":1,\"a\\nb\":1}", "unknown key: \"a\\nb\""},
    {"{\"version\":1,\"seal_all\":1}", "seal_all: expected true or false"},
    {"{\"version\":1,\"stack\":{}}", "stack: expected an array"},
    {"{\"version\":1,\"output\":[]}", "output: expected an object"},
    {"{\"version\":1,\"output\":{\"x\":1}}", "output: unknown key: x"},
    {"{\"version\":1,\"output\":{\"log_fd\":true}}",
     "output: log_fd: expected a small integer"},
    {"{\"version\":1,\"output\":{\"trace_fd\":4294967295}}",
     "output: trace_fd: expected a small integer"},
    {"{\"version\":1,\"output\":{\"trace_json\":1}}",
     "output: trace_json: expected true or false"},
    {"{\"version\":1,\"output\":{\"log_fd\":1,\"log_fd\":1}}",
     "output: duplicate key: log_fd"},
    {"{\"version\":1,\"stack\":null}", "stack: expected an array"},
    {ST("1"), "stack[0]: expected an object"},
    {ST("{\"nope\":true}"), "stack[0]: unknown key: nope"},
    {ST("{\"Block_network\":true}"), "stack[0]: unknown key: Block_network"},
    {ST("{\"block_network\\u0000\":true}"),
     "stack[0]: unknown key: \"block_network\\x00\""},
    {ST("{},{\"block_network\":1}"),
     "stack[1]: block_network: expected true or false"},
    {ST("{\"trace\":true,\"trace\":true}"), "stack[0]: duplicate key: trace"},
    {ST("{\"block_network\":\"true\"}"),
     "stack[0]: block_network: expected true or false"},
    {ST("{\"allow_ips\":[\"300.1.1.1\"]}"),
     "stack[0]: allow_ips: invalid CIDR: 300.1.1.1"},
    {ST("{\"allow_ips\":[\"10.0.0.1/8\"]}"),
     "stack[0]: allow_ips: invalid CIDR: 10.0.0.1/8"},
    {ST("{\"allow_domains\":\"x.org\"}"),
     "stack[0]: allow_domains: expected an array of strings"},
    {ST("{\"allow_domains\":[1]}"),
     "stack[0]: allow_domains: expected an array of strings"},
    {ST("{\"allow_domains\":[\"a b\"]}"),
     "stack[0]: allow_domains: invalid domain: \"a b\""},
    {ST("{\"fs_root\":1}"), "stack[0]: fs_root: expected a string or null"},
    {ST("{\"fs_root\":[\"/\"]}"),
     "stack[0]: fs_root: expected a string or null"},
    {ST("{\"fs_root\":\"\"}"), "stack[0]: fs_root: invalid path: \"\""},
    {ST("{\"allow_write\":[\"/a\\u0000b\"]}"),
     "stack[0]: allow_write: invalid path: \"/a\\x00b\""},
    {ST("{\"allow_env\":[\"1X\"]}"),
     "stack[0]: allow_env: invalid variable name: 1X"},
    {ST("{\"deny_imports\":[\"a..b\"]}"),
     "stack[0]: deny_imports: invalid module name: a..b"},
    {ST("{\"deny_imports\":[\"a\\nb\"]}"),
     "stack[0]: deny_imports: invalid module name: \"a\\nb\""},
    {ST("{\"allow_env\":[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-\"]}"),
     "stack[0]: allow_env: invalid variable name: "
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa..."},
    {ST("{\"allow_write\":[\"\xff\"]}"),
     "invalid JSON at byte 38: invalid UTF-8 in string"},
};

static void
test_decode_bad(void)
{
    struct hm_stack s;
    char err[256];

    for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
        const struct bad_row *r = &bad_rows[i];
        int rc =
            hm_stack_decode(r->json, strlen(r->json), &s, err, sizeof(err));

        TAP_OK(rc == -EINVAL && s.v == NULL && s.n == 0,
               "bad row %zu rejected", i);
        TAP_STREQ(err, r->err, "bad row %zu message", i);
    }
}

static void
test_decode_small_err(void)
{
    struct hm_stack s;
    char err[8];
    const char *json = ST("{\"allow_ips\":[\"300.1.1.1\"]}");

    TAP_OK(hm_stack_decode(json, strlen(json), &s, err, sizeof(err)) ==
                   -EINVAL &&
               !strcmp(err, "stack[0"),
           "a short err buffer is truncated and terminated");
    TAP_OK(hm_stack_decode(json, strlen(json), &s, NULL, 0) == -EINVAL,
           "no err buffer at all");
    TAP_OK(hm_stack_decode("{", 1, &s, NULL, 0) == -EINVAL,
           "no err buffer for a syntax error");
}

int
main(void)
{
    test_field_table();
    test_set_bool();
    test_add();
    test_add_stores();
    test_profiles();
    test_merge_copy();
    test_unbuilt();
    test_blocks_nothing();
    test_encode_exact();
    test_round_trip();
    test_kernel_level();
    test_output_round_trip();
    test_observe_field();
    test_decode_good();
    test_decode_bad();
    test_decode_small_err();
    return tap_done();
}
