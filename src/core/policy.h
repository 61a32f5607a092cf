/*
 * policy.h: the policy of SPEC section 2 and its versioned encoding.
 *
 * Pure C: no CPython, no system calls.  The launcher, the preload shim and
 * the extension module all build and read policies through this file, so
 * one policy means the same thing in every process.
 *
 * Functions return 0 on success or a negative errno value; none prints.
 */
#ifndef HERMETIC_POLICY_H
#define HERMETIC_POLICY_H

#include <stddef.h>

#include "netmatch.h"

/* Version of the HERMETIC_FLAGS_JSON encoding. */
#define HM_ENCODING_VERSION 1

/* Boolean fields.  Blocks OR across a stack; so do trace and sealed. */
enum hm_flag {
    HM_BLOCK_NETWORK = 1u << 0,
    HM_ALLOW_LOCALHOST = 1u << 1,
    HM_BLOCK_UNIX_SOCKETS = 1u << 2,
    HM_BLOCK_SUBPROCESS = 1u << 3,
    HM_FS_READONLY = 1u << 4,
    HM_BLOCK_ENVIRONMENT = 1u << 5,
    HM_BLOCK_CODE_EXEC = 1u << 6,
    HM_BLOCK_INTERPRETER_MUTATION = 1u << 7,
    HM_BLOCK_NATIVE = 1u << 8,
    HM_TRACE = 1u << 9,
    HM_SEALED = 1u << 10,
    HM_KERNEL = 1u << 11,        /* --kernel: the kernel holds what it can */
    HM_KERNEL_STRICT = 1u << 12, /* --kernel=strict: or refuse; implies it */
    HM_OBSERVE = 1u << 13,       /* this policy reports, it does not block */
};

/* Levels of the kernel field, as hm_policy_kernel returns them. */
enum hm_kernel_level { HM_KLEVEL_OFF, HM_KLEVEL_ON, HM_KLEVEL_STRICT };

/* Guards that exist in this build; asking for another one is an error. */
#define HM_BUILT_FLAGS                                                        \
    (HM_BLOCK_NETWORK | HM_ALLOW_LOCALHOST | HM_BLOCK_UNIX_SOCKETS |          \
     HM_BLOCK_SUBPROCESS | HM_BLOCK_ENVIRONMENT | HM_BLOCK_CODE_EXEC |        \
     HM_BLOCK_NATIVE | HM_FS_READONLY | HM_BLOCK_INTERPRETER_MUTATION |       \
     HM_TRACE | HM_SEALED | HM_KERNEL | HM_KERNEL_STRICT | HM_OBSERVE)

/* deny_imports has no flag of its own: 1 when its guard is built. */
#define HM_BUILT_DENY_IMPORTS 1

struct hm_strv {
    char **v;
    size_t n;
};

struct hm_cidrv {
    struct hm_cidr *v;
    size_t n;
};

struct hm_policy {
    unsigned flags;
    struct hm_strv allow_domains; /* normalised: lower case, no end dot */
    struct hm_cidrv allow_ips;
    char *fs_root; /* NULL when not set */
    struct hm_strv allow_write;
    struct hm_strv allow_env;
    struct hm_strv deny_imports;
};

/*
 * Where a run's reports go, beside the stack (hermetic --trace-file,
 * --trace-format, --observe).  The launcher opens the files; every
 * guarded process inherits the descriptors by number.  -1: none.
 */
struct hm_output {
    int trace_fd;   /* trace lines go here instead of stderr */
    int trace_json; /* trace lines are JSON objects */
    int log_fd;     /* the run's shared log of reports, for the summary */
    long top_pid;   /* the process that prints the summary at its exit */
};

/* No trace file, text lines, no shared log. */
void hm_output_init(struct hm_output *o);

/* A stack as it travels to children.  seal_all is --seal: every policy
 * pushed later in the process becomes permanent. */
struct hm_stack {
    struct hm_policy *v;
    size_t n;
    int seal_all;
    struct hm_output out;
};

/* Field names, as in the API and the JSON encoding.  HM_FIELD_LEVEL is
 * "kernel": false, true or "strict" (a boolean with one more value). */
enum hm_field_kind {
    HM_FIELD_BOOL,
    HM_FIELD_LIST,
    HM_FIELD_PATH,
    HM_FIELD_LEVEL
};

struct hm_field {
    const char *name; /* "block_network" */
    const char *cli;  /* "--no-network" */
    enum hm_field_kind kind;
    unsigned flag; /* HM_FIELD_BOOL; and the block a list implies */
};

/* The table of fields, terminated by a NULL name. */
extern const struct hm_field hm_fields[];

/* The field called name, or NULL. */
const struct hm_field *hm_field_find(const char *name);

/*
 * What a value rejected by hm_policy_add(p, field, ...) is, for messages:
 * "invalid domain", "invalid CIDR", "invalid path", "invalid variable
 * name", "invalid module name".  NULL for a boolean or unknown field.
 */
const char *hm_field_value_error(const char *field);

void hm_policy_init(struct hm_policy *p);
void hm_policy_free(struct hm_policy *p);

/*
 * Sets a boolean field by name; 0 clears it, unless an allowance still in
 * p implies it.  allow_localhost implies block_network.  -ENOENT: no such
 * boolean field.
 */
int hm_policy_set_bool(struct hm_policy *p, const char *field, int value);

/*
 * The kernel field: HM_KLEVEL_OFF, HM_KLEVEL_ON or HM_KLEVEL_STRICT.
 * Setting a level replaces the one p had.  -EINVAL: no such level.
 */
int hm_policy_kernel(const struct hm_policy *p);
int hm_policy_set_kernel(struct hm_policy *p, int level);

/* The highest kernel level of the stack v[0..n): what the tree asks. */
int hm_policies_kernel(const struct hm_policy *const *v, size_t n);

/*
 * Adds one item to a list field (or sets fs_root) by name, after
 * validating it: a domain name, a CIDR, a non-empty path, an environment
 * variable name, a dotted module name.  Also sets the block the allowance
 * implies.  -ENOENT: no such field; -EINVAL: bad value; -ENOMEM.
 *
 * Domains are stored normalised, CIDRs parsed (hm_cidr_parse); paths are
 * non-empty UTF-8; variable names [A-Za-z_][A-Za-z0-9_]*; module names
 * such identifiers joined by dots.  A value already in the list is not
 * added again.  fs_root takes one path: another one is -EINVAL.
 */
int hm_policy_add(struct hm_policy *p, const char *field, const char *value);

/* Merges a named profile into p by union.  -ENOENT: unknown profile. */
int hm_policy_apply_profile(struct hm_policy *p, const char *name);

/* The profile names, NULL-terminated, for help and hints. */
extern const char *const hm_profile_names[];

/*
 * dst |= src: booleans OR, lists concatenate (no duplicates).  -EINVAL
 * when both have a different fs_root (dst is then unchanged); -ENOMEM,
 * after which dst may hold part of src.
 */
int hm_policy_merge(struct hm_policy *dst, const struct hm_policy *src);

/* Deep copy.  dst must not hold anything yet. */
int hm_policy_copy(struct hm_policy *dst, const struct hm_policy *src);

/*
 * Returns the name of the first field p asks for that this build has no
 * guard for (see HM_BUILT_FLAGS), or NULL when everything is built.
 * Lists and fs_root are looked at before booleans, so --allow-write is
 * reported as "allow_write", not as the "fs_readonly" it implies.
 */
const char *hm_policy_unbuilt(const struct hm_policy *p);

/* The first field the built-in profile name needs that this build has no
 * guard for, or NULL when it has them all (or name is not built in). */
const char *hm_profile_unbuilt(const char *name);

/* Writes the built-in profiles this build can run, separated by sep, into
 * buf (cut to cap); for help and hints, so they never offer a profile the
 * launcher would refuse. */
void hm_profiles_built(char *buf, size_t cap, const char *sep);

/* 1 when this build has the guard of field f. */
int hm_field_built(const struct hm_field *f);

/* 1 when p turns no guard on: only sealed, kernel, observe and trace, which
 * say how the guards act, not what they refuse. */
int hm_policy_blocks_nothing(const struct hm_policy *p);

/* 1 when a and b hold the same flags and the same lists in the same
 * order. */
int hm_policy_equal(const struct hm_policy *a, const struct hm_policy *b);

/*
 * Encodes a stack as JSON (SPEC section 7, HERMETIC_FLAGS_JSON):
 *   {"version":1,"seal_all":false,"stack":[{...policy...}, ...]}
 * Returns a malloc'd NUL-terminated string, or NULL on ENOMEM.
 */
char *hm_stack_encode(const struct hm_policy *const *v, size_t n,
                      int seal_all);

/*
 * The same, with the output settings after the stack when o sets any:
 *   ...,"output":{"trace_fd":5,"trace_format":"json","log_fd":-1,
 *                 "top_pid":0}}
 * o may be NULL.
 */
char *hm_stack_encode_out(const struct hm_policy *const *v, size_t n,
                          int seal_all, const struct hm_output *o);

/*
 * Decodes what hm_stack_encode wrote, rejecting anything else: unknown
 * version or key, wrong type, invalid value.  On failure returns -EINVAL
 * and writes a one-line reason (no trailing newline) into err.
 *
 * Reasons look like "stack[0]: allow_ips: invalid CIDR: 300.1.1.1" or
 * "unsupported HERMETIC_FLAGS_JSON version 2"; values in them are quoted
 * as trace values.  Missing fields are false or empty; duplicate keys are
 * rejected.  -ENOMEM ("out of memory") too.  On failure out holds nothing.
 */
int hm_stack_decode(const char *json, size_t len, struct hm_stack *out,
                    char *err, size_t errlen);

void hm_stack_free(struct hm_stack *s);

#endif
