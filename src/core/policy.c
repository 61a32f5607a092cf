/*
 * policy.c: the policy of SPEC section 2 and its JSON encoding (see
 * policy.h).
 *
 * Invariant kept by every function that changes a policy: an allowance
 * implies its block (SPEC section 2), so a policy never allows something
 * without also blocking the rest of it.  Lists hold no duplicates.
 */
#include "policy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "trace.h"

/* Indices into hm_fields, in the table's order. */
enum field_index {
    F_BLOCK_NETWORK,
    F_ALLOW_LOCALHOST,
    F_ALLOW_DOMAINS,
    F_ALLOW_IPS,
    F_BLOCK_UNIX_SOCKETS,
    F_BLOCK_SUBPROCESS,
    F_FS_READONLY,
    F_FS_ROOT,
    F_ALLOW_WRITE,
    F_BLOCK_ENVIRONMENT,
    F_ALLOW_ENV,
    F_BLOCK_CODE_EXEC,
    F_DENY_IMPORTS,
    F_BLOCK_INTERPRETER_MUTATION,
    F_BLOCK_NATIVE,
    F_TRACE,
    F_SEALED,
    F_KERNEL,
    F_OBSERVE,
    F_COUNT
};

const struct hm_field hm_fields[] = {
    {"block_network", "--no-network", HM_FIELD_BOOL, HM_BLOCK_NETWORK},
    {"allow_localhost", "--allow-localhost", HM_FIELD_BOOL,
     HM_ALLOW_LOCALHOST},
    {"allow_domains", "--allow-domain", HM_FIELD_LIST, HM_BLOCK_NETWORK},
    {"allow_ips", "--allow-ip", HM_FIELD_LIST, HM_BLOCK_NETWORK},
    {"block_unix_sockets", "--no-unix-sockets", HM_FIELD_BOOL,
     HM_BLOCK_UNIX_SOCKETS},
    {"block_subprocess", "--no-subprocess", HM_FIELD_BOOL,
     HM_BLOCK_SUBPROCESS},
    {"fs_readonly", "--fs-readonly", HM_FIELD_BOOL, HM_FS_READONLY},
    {"fs_root", "--fs-readonly=ROOT", HM_FIELD_PATH, HM_FS_READONLY},
    {"allow_write", "--allow-write", HM_FIELD_LIST, HM_FS_READONLY},
    {"block_environment", "--no-environment", HM_FIELD_BOOL,
     HM_BLOCK_ENVIRONMENT},
    {"allow_env", "--allow-env", HM_FIELD_LIST, HM_BLOCK_ENVIRONMENT},
    {"block_code_exec", "--no-code-exec", HM_FIELD_BOOL, HM_BLOCK_CODE_EXEC},
    {"deny_imports", "--deny-import", HM_FIELD_LIST, 0},
    {"block_interpreter_mutation", "--no-interpreter-mutation", HM_FIELD_BOOL,
     HM_BLOCK_INTERPRETER_MUTATION},
    {"block_native", "--block-native", HM_FIELD_BOOL, HM_BLOCK_NATIVE},
    {"trace", "--trace", HM_FIELD_BOOL, HM_TRACE},
    {"sealed", "--seal", HM_FIELD_BOOL, HM_SEALED},
    {"kernel", "--kernel", HM_FIELD_LEVEL, HM_KERNEL},
    {"observe", "--observe", HM_FIELD_BOOL, HM_OBSERVE},
    {NULL, NULL, HM_FIELD_BOOL, 0},
};

struct profile {
    const char *name;
    unsigned flags;
};

static const struct profile profiles[] = {
    {"block-all", HM_BLOCK_NETWORK | HM_BLOCK_UNIX_SOCKETS |
                      HM_BLOCK_SUBPROCESS | HM_FS_READONLY |
                      HM_BLOCK_ENVIRONMENT | HM_BLOCK_CODE_EXEC |
                      HM_BLOCK_INTERPRETER_MUTATION | HM_BLOCK_NATIVE},
    {"net-hermetic", HM_BLOCK_NETWORK | HM_ALLOW_LOCALHOST},
    {"exec-deny", HM_BLOCK_SUBPROCESS},
    {"fs-readonly", HM_FS_READONLY},
    {"block-native", HM_BLOCK_NATIVE},
};

const char *const hm_profile_names[] = {
    "block-all",   "net-hermetic", "exec-deny",
    "fs-readonly", "block-native", NULL,
};

const struct hm_field *
hm_field_find(const char *name)
{
    for (const struct hm_field *f = hm_fields; name && f->name; f++) {
        if (!strcmp(f->name, name)) {
            return f;
        }
    }
    return NULL;
}

const char *
hm_field_value_error(const char *field)
{
    const struct hm_field *f = hm_field_find(field);

    switch (f ? f - hm_fields : -1) {
    case F_ALLOW_DOMAINS:
        return "invalid domain";
    case F_ALLOW_IPS:
        return "invalid CIDR";
    case F_FS_ROOT:
    case F_ALLOW_WRITE:
        return "invalid path";
    case F_ALLOW_ENV:
        return "invalid variable name";
    case F_DENY_IMPORTS:
        return "invalid module name";
    default:
        return NULL;
    }
}

/* The string list of field idx, or NULL when it is not one. */
static const struct hm_strv *
strv_get(const struct hm_policy *p, int idx)
{
    switch (idx) {
    case F_ALLOW_DOMAINS:
        return &p->allow_domains;
    case F_ALLOW_WRITE:
        return &p->allow_write;
    case F_ALLOW_ENV:
        return &p->allow_env;
    case F_DENY_IMPORTS:
        return &p->deny_imports;
    default:
        return NULL;
    }
}

static struct hm_strv *
strv_mut(struct hm_policy *p, int idx)
{
    return (struct hm_strv *)strv_get(p, idx);
}

static int
strv_has(const struct hm_strv *v, const char *s)
{
    for (size_t i = 0; i < v->n; i++) {
        if (!strcmp(v->v[i], s)) {
            return 1;
        }
    }
    return 0;
}

/* Appends a copy of s unless it is there already. */
static int
strv_add(struct hm_strv *v, const char *s)
{
    char **nv;
    char *copy;

    if (strv_has(v, s)) {
        return 0;
    }
    nv = realloc(v->v, (v->n + 1) * sizeof(*nv));
    if (nv == NULL) {
        return -ENOMEM;
    }
    v->v = nv;
    copy = strdup(s);
    if (copy == NULL) {
        return -ENOMEM;
    }
    v->v[v->n++] = copy;
    return 0;
}

static void
strv_free(struct hm_strv *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->v[i]);
    }
    free(v->v);
    v->v = NULL;
    v->n = 0;
}

static int
cidr_equal(const struct hm_cidr *a, const struct hm_cidr *b)
{
    return a->addr.family == b->addr.family && a->prefix == b->prefix &&
           !memcmp(a->addr.b, b->addr.b, sizeof(a->addr.b));
}

static int
cidrv_add(struct hm_cidrv *v, const struct hm_cidr *c)
{
    struct hm_cidr *nv;

    for (size_t i = 0; i < v->n; i++) {
        if (cidr_equal(&v->v[i], c)) {
            return 0;
        }
    }
    nv = realloc(v->v, (v->n + 1) * sizeof(*nv));
    if (nv == NULL) {
        return -ENOMEM;
    }
    v->v = nv;
    v->v[v->n++] = *c;
    return 0;
}

void
hm_policy_init(struct hm_policy *p)
{
    memset(p, 0, sizeof(*p));
}

void
hm_policy_free(struct hm_policy *p)
{
    strv_free(&p->allow_domains);
    free(p->allow_ips.v);
    free(p->fs_root);
    strv_free(&p->allow_write);
    strv_free(&p->allow_env);
    strv_free(&p->deny_imports);
    hm_policy_init(p);
}

/* Restores the invariant: every allowance sets the block it refines. */
static void
policy_imply(struct hm_policy *p)
{
    if ((p->flags & HM_ALLOW_LOCALHOST) || p->allow_domains.n ||
        p->allow_ips.n) {
        p->flags |= HM_BLOCK_NETWORK;
    }
    if (p->fs_root != NULL || p->allow_write.n) {
        p->flags |= HM_FS_READONLY;
    }
    if (p->allow_env.n) {
        p->flags |= HM_BLOCK_ENVIRONMENT;
    }
    if (p->flags & HM_KERNEL_STRICT) {
        p->flags |= HM_KERNEL;
    }
}

int
hm_policy_set_bool(struct hm_policy *p, const char *field, int value)
{
    const struct hm_field *f = hm_field_find(field);

    if (f != NULL && f->kind == HM_FIELD_LEVEL) {
        return hm_policy_set_kernel(p, value ? HM_KLEVEL_ON : HM_KLEVEL_OFF);
    }
    if (f == NULL || f->kind != HM_FIELD_BOOL) {
        return -ENOENT;
    }
    if (value) {
        p->flags |= f->flag;
    } else {
        p->flags &= ~f->flag;
    }
    policy_imply(p);
    return 0;
}

int
hm_policy_kernel(const struct hm_policy *p)
{
    if (p->flags & HM_KERNEL_STRICT) {
        return HM_KLEVEL_STRICT;
    }
    return p->flags & HM_KERNEL ? HM_KLEVEL_ON : HM_KLEVEL_OFF;
}

int
hm_policies_kernel(const struct hm_policy *const *v, size_t n)
{
    int level = HM_KLEVEL_OFF;

    for (size_t i = 0; i < n; i++) {
        if (hm_policy_kernel(v[i]) > level) {
            level = hm_policy_kernel(v[i]);
        }
    }
    return level;
}

int
hm_policy_set_kernel(struct hm_policy *p, int level)
{
    static const unsigned flags[] = {0, HM_KERNEL,
                                     HM_KERNEL | HM_KERNEL_STRICT};

    if (level < HM_KLEVEL_OFF || level > HM_KLEVEL_STRICT) {
        return -EINVAL;
    }
    p->flags = (p->flags & ~(HM_KERNEL | HM_KERNEL_STRICT)) | flags[level];
    return 0;
}

static int
is_ident_start(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int
is_ident_char(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* An identifier ending at a '.' or the end; returns its length, 0 when
 * there is none. */
static size_t
ident_length(const char *s)
{
    size_t n = 0;

    if (!is_ident_start((unsigned char)s[0])) {
        return 0;
    }
    while (is_ident_char((unsigned char)s[n])) {
        n++;
    }
    return s[n] == '\0' || s[n] == '.' ? n : 0;
}

static int
valid_env_name(const char *s)
{
    size_t n = ident_length(s);

    return n > 0 && s[n] == '\0';
}

/* A dotted module name; ASCII only, like the names import can check
 * without normalisation. */
static int
valid_module(const char *s)
{
    for (;;) {
        size_t n = ident_length(s);

        if (n == 0) {
            return 0;
        }
        if (s[n] == '\0') {
            return 1;
        }
        s += n + 1;
    }
}

/* Paths travel in the JSON encoding, which holds only UTF-8. */
static int
valid_path(const char *s)
{
    return s[0] != '\0' && hm_utf8_valid(s, strlen(s));
}

static int
add_domain(struct hm_policy *p, const char *value)
{
    size_t len = strlen(value);
    char *norm = malloc(len + 1);
    int rc;

    if (norm == NULL) {
        return -ENOMEM;
    }
    rc = hm_domain_normalize(value, len, norm, len + 1);
    if (rc == 0) {
        rc = strv_add(&p->allow_domains, norm);
    }
    free(norm);
    return rc;
}

static int
add_cidr(struct hm_policy *p, const char *value)
{
    struct hm_cidr c;

    if (hm_cidr_parse(value, strlen(value), &c) < 0) {
        return -EINVAL;
    }
    return cidrv_add(&p->allow_ips, &c);
}

/* One root only: two different roots cannot both be the only place
 * reads may go, and picking one would silently widen the other. */
static int
set_root(struct hm_policy *p, const char *value)
{
    if (!valid_path(value)) {
        return -EINVAL;
    }
    if (p->fs_root != NULL) {
        return strcmp(p->fs_root, value) ? -EINVAL : 0;
    }
    p->fs_root = strdup(value);
    return p->fs_root ? 0 : -ENOMEM;
}

static int
add_value(struct hm_policy *p, int idx, const char *value)
{
    int ok;

    switch (idx) {
    case F_ALLOW_DOMAINS:
        return add_domain(p, value);
    case F_ALLOW_IPS:
        return add_cidr(p, value);
    case F_FS_ROOT:
        return set_root(p, value);
    case F_ALLOW_WRITE:
        ok = valid_path(value);
        break;
    case F_ALLOW_ENV:
        ok = valid_env_name(value);
        break;
    default:
        ok = valid_module(value);
        break;
    }
    return ok ? strv_add(strv_mut(p, idx), value) : -EINVAL;
}

int
hm_policy_add(struct hm_policy *p, const char *field, const char *value)
{
    const struct hm_field *f = hm_field_find(field);
    int rc;

    if (f == NULL || f->kind == HM_FIELD_BOOL) {
        return -ENOENT;
    }
    if (value == NULL) {
        return -EINVAL;
    }
    rc = add_value(p, (int)(f - hm_fields), value);
    if (rc == 0) {
        p->flags |= f->flag;
    }
    return rc;
}

int
hm_policy_apply_profile(struct hm_policy *p, const char *name)
{
    for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
        if (name != NULL && !strcmp(profiles[i].name, name)) {
            p->flags |= profiles[i].flags;
            policy_imply(p);
            return 0;
        }
    }
    return -ENOENT;
}

int
hm_policy_merge(struct hm_policy *dst, const struct hm_policy *src)
{
    int rc = 0;

    /* The root first: a conflict then leaves dst unchanged. */
    if (src->fs_root != NULL) {
        rc = set_root(dst, src->fs_root);
    }
    for (int idx = 0; rc == 0 && idx < F_COUNT; idx++) {
        const struct hm_strv *from = strv_get(src, idx);

        for (size_t i = 0; from != NULL && rc == 0 && i < from->n; i++) {
            rc = strv_add(strv_mut(dst, idx), from->v[i]);
        }
    }
    for (size_t i = 0; rc == 0 && i < src->allow_ips.n; i++) {
        rc = cidrv_add(&dst->allow_ips, &src->allow_ips.v[i]);
    }
    dst->flags |= src->flags;
    policy_imply(dst);
    return rc;
}

int
hm_policy_copy(struct hm_policy *dst, const struct hm_policy *src)
{
    int rc;

    hm_policy_init(dst);
    rc = hm_policy_merge(dst, src);
    if (rc < 0) {
        hm_policy_free(dst);
    }
    return rc;
}

static int
strv_equal(const struct hm_strv *a, const struct hm_strv *b)
{
    if (a->n != b->n) {
        return 0;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(a->v[i], b->v[i])) {
            return 0;
        }
    }
    return 1;
}

int
hm_policy_equal(const struct hm_policy *a, const struct hm_policy *b)
{
    if (a->flags != b->flags || (a->fs_root == NULL) != (b->fs_root == NULL) ||
        (a->fs_root && strcmp(a->fs_root, b->fs_root)) ||
        a->allow_ips.n != b->allow_ips.n) {
        return 0;
    }
    for (size_t i = 0; i < a->allow_ips.n; i++) {
        if (!cidr_equal(&a->allow_ips.v[i], &b->allow_ips.v[i])) {
            return 0;
        }
    }
    for (int idx = 0; idx < F_COUNT; idx++) {
        const struct hm_strv *va = strv_get(a, idx);

        if (va != NULL && !strv_equal(va, strv_get(b, idx))) {
            return 0;
        }
    }
    return 1;
}

/* deny_imports is the one field without a flag: HM_BUILT_DENY_IMPORTS
 * says whether its guard exists. */
static int
field_built(const struct hm_field *f)
{
    if (f->flag == 0) {
        return HM_BUILT_DENY_IMPORTS;
    }
    return (f->flag & HM_BUILT_FLAGS) == f->flag;
}

static int
field_set(const struct hm_policy *p, int idx)
{
    const struct hm_field *f = &hm_fields[idx];
    const struct hm_strv *v = strv_get(p, idx);

    if (f->kind == HM_FIELD_BOOL || f->kind == HM_FIELD_LEVEL) {
        return (p->flags & f->flag) != 0;
    }
    if (idx == F_FS_ROOT) {
        return p->fs_root != NULL;
    }
    return v != NULL ? v->n > 0 : p->allow_ips.n > 0;
}

/* The first field set and not built, among booleans or among the rest. */
static const char *
first_unbuilt(const struct hm_policy *p, int booleans)
{
    for (int idx = 0; idx < F_COUNT; idx++) {
        const struct hm_field *f = &hm_fields[idx];

        int boolean = f->kind == HM_FIELD_BOOL || f->kind == HM_FIELD_LEVEL;

        if (boolean == booleans && field_set(p, idx) && !field_built(f)) {
            return f->name;
        }
    }
    return NULL;
}

/* Lists and fs_root first: "allow_write" names what the user asked for
 * better than the "fs_readonly" it implies. */
const char *
hm_policy_unbuilt(const struct hm_policy *p)
{
    const char *name = first_unbuilt(p, 0);

    return name != NULL ? name : first_unbuilt(p, 1);
}

const char *
hm_profile_unbuilt(const char *name)
{
    struct hm_policy p;
    const char *field = NULL;

    hm_policy_init(&p);
    if (hm_policy_apply_profile(&p, name) == 0) {
        field = hm_policy_unbuilt(&p);
    }
    hm_policy_free(&p);
    return field;
}

void
hm_profiles_built(char *buf, size_t cap, const char *sep)
{
    size_t len = 0;

    if (cap > 0) {
        buf[0] = '\0';
    }
    for (size_t i = 0; hm_profile_names[i] != NULL; i++) {
        int n;

        if (hm_profile_unbuilt(hm_profile_names[i]) != NULL || len >= cap) {
            continue;
        }
        n = snprintf(buf + len, cap - len, "%s%s", len > 0 ? sep : "",
                     hm_profile_names[i]);
        len = n < 0 ? cap : len + (size_t)n;
    }
}

int
hm_field_built(const struct hm_field *f)
{
    return field_built(f);
}

int
hm_policy_blocks_nothing(const struct hm_policy *p)
{
    unsigned inert =
        HM_SEALED | HM_KERNEL | HM_KERNEL_STRICT | HM_OBSERVE | HM_TRACE;

    return (p->flags & ~inert) == 0 && p->deny_imports.n == 0;
}

static void
encode_strv(struct hm_buf *b, const struct hm_strv *v)
{
    hm_buf_adds(b, "[");
    for (size_t i = 0; i < v->n; i++) {
        hm_buf_adds(b, i ? "," : "");
        hm_json_add_string(b, v->v[i], strlen(v->v[i]));
    }
    hm_buf_adds(b, "]");
}

static void
encode_cidrs(struct hm_buf *b, const struct hm_cidrv *v)
{
    char text[64];

    hm_buf_adds(b, "[");
    for (size_t i = 0; i < v->n; i++) {
        size_t n = hm_cidr_format(&v->v[i], text, sizeof(text));

        hm_buf_adds(b, i ? "," : "");
        hm_json_add_string(b, text, n);
    }
    hm_buf_adds(b, "]");
}

/* The kernel level as JSON, by level. */
static const char *const level_names[] = {"false", "true", "\"strict\""};

static void
encode_policy(struct hm_buf *b, const struct hm_policy *p)
{
    hm_buf_adds(b, "{");
    for (int idx = 0; idx < F_COUNT; idx++) {
        const struct hm_field *f = &hm_fields[idx];

        hm_buf_adds(b, idx ? "," : "");
        hm_json_add_string(b, f->name, strlen(f->name));
        hm_buf_adds(b, ":");
        if (f->kind == HM_FIELD_BOOL) {
            hm_buf_adds(b, p->flags & f->flag ? "true" : "false");
        } else if (f->kind == HM_FIELD_LEVEL) {
            hm_buf_adds(b, level_names[hm_policy_kernel(p)]);
        } else if (idx == F_ALLOW_IPS) {
            encode_cidrs(b, &p->allow_ips);
        } else if (idx == F_FS_ROOT && p->fs_root == NULL) {
            hm_buf_adds(b, "null");
        } else if (idx == F_FS_ROOT) {
            hm_json_add_string(b, p->fs_root, strlen(p->fs_root));
        } else {
            encode_strv(b, strv_get(p, idx));
        }
    }
    hm_buf_adds(b, "}");
}

void
hm_output_init(struct hm_output *o)
{
    o->trace_fd = -1;
    o->trace_json = 0;
    o->log_fd = -1;
    o->top_pid = 0;
}

static int
output_is_set(const struct hm_output *o)
{
    return o != NULL && (o->trace_fd >= 0 || o->trace_json || o->log_fd >= 0);
}

/* ,"output":{...} with only the settings that are set. */
static void
encode_output(struct hm_buf *b, const struct hm_output *o)
{
    char item[64];

    hm_buf_adds(b, ",\"output\":{");
    snprintf(item, sizeof(item), "\"trace_json\":%s",
             o->trace_json ? "true" : "false");
    hm_buf_adds(b, item);
    if (o->trace_fd >= 0) {
        snprintf(item, sizeof(item), ",\"trace_fd\":%d", o->trace_fd);
        hm_buf_adds(b, item);
    }
    if (o->log_fd >= 0) {
        snprintf(item, sizeof(item), ",\"log_fd\":%d,\"top_pid\":%ld",
                 o->log_fd, o->top_pid);
        hm_buf_adds(b, item);
    }
    hm_buf_adds(b, "}");
}

char *
hm_stack_encode_out(const struct hm_policy *const *v, size_t n, int seal_all,
                    const struct hm_output *o)
{
    struct hm_buf b;
    char head[64];

    snprintf(head, sizeof(head), "{\"version\":%d,\"seal_all\":%s,",
             HM_ENCODING_VERSION, seal_all ? "true" : "false");
    hm_buf_init(&b);
    hm_buf_adds(&b, head);
    hm_buf_adds(&b, "\"stack\":[");
    for (size_t i = 0; i < n; i++) {
        hm_buf_adds(&b, i ? "," : "");
        encode_policy(&b, v[i]);
    }
    hm_buf_adds(&b, "]");
    if (output_is_set(o)) {
        encode_output(&b, o);
    }
    hm_buf_adds(&b, "}");
    return hm_buf_take(&b);
}

char *
hm_stack_encode(const struct hm_policy *const *v, size_t n, int seal_all)
{
    return hm_stack_encode_out(v, n, seal_all, NULL);
}

/* Where a decoding error goes, and the "stack[N]: " it is prefixed with. */
struct decoder {
    char *err;
    size_t errlen;
    char where[32];
};

/* Longest part of a value quoted in a message. */
#define QUOTE_MAX 64

static int decode_error(struct decoder *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
decode_error(struct decoder *d, const char *fmt, ...)
{
    size_t n;
    va_list ap;

    if (d->errlen == 0) {
        return -EINVAL;
    }
    n = (size_t)snprintf(d->err, d->errlen, "%s", d->where);
    if (n < d->errlen) {
        va_start(ap, fmt);
        vsnprintf(d->err + n, d->errlen - n, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

static int
decode_nomem(struct decoder *d)
{
    snprintf(d->err, d->errlen, "out of memory");
    return -ENOMEM;
}

/* s as a trace value, so a message stays on one line; a long value is
 * shortened at a character boundary and marked with "...". */
static const char *
quote_value(char *dst, size_t cap, const char *s, size_t n)
{
    size_t len, keep = n;

    if (keep > QUOTE_MAX) {
        keep = QUOTE_MAX;
        while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80) {
            keep--;
        }
    }
    len = hm_quote(dst, cap - 4, s, keep);
    if (len > cap - 4) {
        len = cap - 4;
    }
    dst[len] = '\0';
    if (keep < n) {
        strcpy(dst + len, "...");
    }
    return dst;
}

/* QUOTE_MAX bytes quoted, at most 4 bytes each, the quotes and "...". */
#define QUOTED_CAP (QUOTE_MAX * 4 + 8)

static int
decode_add(struct hm_policy *p, const struct hm_field *f,
           const struct hm_json *v, struct decoder *d)
{
    char q[QUOTED_CAP];
    int rc = -EINVAL;

    if (strlen(v->u.string) == v->n) {
        rc = hm_policy_add(p, f->name, v->u.string);
    }
    if (rc == -ENOMEM) {
        return decode_nomem(d);
    }
    if (rc < 0) {
        return decode_error(d, "%s: %s: %s", f->name,
                            hm_field_value_error(f->name),
                            quote_value(q, sizeof(q), v->u.string, v->n));
    }
    return 0;
}

static int
decode_list(struct hm_policy *p, const struct hm_field *f,
            const struct hm_json *v, struct decoder *d)
{
    int rc = 0;

    if (v->type != HM_JSON_ARRAY) {
        return decode_error(d, "%s: expected an array of strings", f->name);
    }
    for (size_t i = 0; rc == 0 && i < v->n; i++) {
        if (v->u.items[i].type != HM_JSON_STRING) {
            return decode_error(d, "%s: expected an array of strings",
                                f->name);
        }
        rc = decode_add(p, f, &v->u.items[i], d);
    }
    return rc;
}

/* kernel: false, true or "strict". */
static int
decode_level(struct hm_policy *p, const struct hm_field *f,
             const struct hm_json *v, struct decoder *d)
{
    if (v->type == HM_JSON_BOOL) {
        return hm_policy_set_kernel(p, v->u.boolean ? HM_KLEVEL_ON
                                                    : HM_KLEVEL_OFF);
    }
    if (v->type == HM_JSON_STRING && v->n == strlen("strict") &&
        memcmp(v->u.string, "strict", v->n) == 0) {
        return hm_policy_set_kernel(p, HM_KLEVEL_STRICT);
    }
    return decode_error(d, "%s: expected true, false or \"strict\"", f->name);
}

static int
decode_field(struct hm_policy *p, const struct hm_field *f,
             const struct hm_json *v, struct decoder *d)
{
    if (f->kind == HM_FIELD_LIST) {
        return decode_list(p, f, v, d);
    }
    if (f->kind == HM_FIELD_PATH) {
        if (v->type == HM_JSON_NULL) {
            return 0;
        }
        if (v->type != HM_JSON_STRING) {
            return decode_error(d, "%s: expected a string or null", f->name);
        }
        return decode_add(p, f, v, d);
    }
    if (f->kind == HM_FIELD_LEVEL) {
        return decode_level(p, f, v, d);
    }
    if (v->type != HM_JSON_BOOL) {
        return decode_error(d, "%s: expected true or false", f->name);
    }
    return hm_policy_set_bool(p, f->name, v->u.boolean);
}

/* The index of the field named by a JSON key, or -1. */
static int
field_index(const struct hm_json_member *m)
{
    for (int idx = 0; idx < F_COUNT; idx++) {
        const char *name = hm_fields[idx].name;

        if (m->klen == strlen(name) && !memcmp(m->key, name, m->klen)) {
            return idx;
        }
    }
    return -1;
}

/* Checks the key of m against those already seen (a bit each). */
static int
check_key(const struct hm_json_member *m, int idx, unsigned long *seen,
          struct decoder *d)
{
    char q[QUOTED_CAP];

    if (idx < 0) {
        return decode_error(d, "unknown key: %s",
                            quote_value(q, sizeof(q), m->key, m->klen));
    }
    if (*seen & (1ul << idx)) {
        return decode_error(d, "duplicate key: %s", m->key);
    }
    *seen |= 1ul << idx;
    return 0;
}

static int
decode_policy(const struct hm_json *obj, struct hm_policy *p,
              struct decoder *d)
{
    unsigned long seen = 0;
    int rc = 0;

    if (obj->type != HM_JSON_OBJECT) {
        return decode_error(d, "expected an object");
    }
    for (size_t i = 0; rc == 0 && i < obj->n; i++) {
        const struct hm_json_member *m = &obj->u.members[i];
        int idx = field_index(m);

        rc = check_key(m, idx, &seen, d);
        if (rc == 0) {
            rc = decode_field(p, &hm_fields[idx], &m->value, d);
        }
    }
    return rc;
}

static int
decode_stack(const struct hm_json *arr, struct hm_stack *out,
             struct decoder *d)
{
    int rc = 0;

    if (arr->type != HM_JSON_ARRAY) {
        return decode_error(d, "stack: expected an array");
    }
    out->v = calloc(arr->n ? arr->n : 1, sizeof(*out->v));
    if (out->v == NULL) {
        return decode_nomem(d);
    }
    for (size_t i = 0; rc == 0 && i < arr->n; i++) {
        hm_policy_init(&out->v[i]);
        out->n = i + 1;
        snprintf(d->where, sizeof(d->where), "stack[%zu]: ", i);
        rc = decode_policy(&arr->u.items[i], &out->v[i], d);
    }
    d->where[0] = '\0';
    return rc;
}

static int
check_version(const struct hm_json *root, struct decoder *d)
{
    const struct hm_json *v = hm_json_get(root, "version");

    if (v == NULL) {
        return decode_error(d, "missing version");
    }
    if (v->type != HM_JSON_NUMBER) {
        return decode_error(d, "version: expected an integer");
    }
    if (v->u.number != HM_ENCODING_VERSION) {
        return decode_error(d, "unsupported HERMETIC_FLAGS_JSON version %lu",
                            v->u.number);
    }
    return 0;
}

/* A descriptor number or a pid: a JSON integer that fits an int. */
static int
decode_number(const struct hm_json_member *m, long *dst, struct decoder *d)
{
    if (m->value.type != HM_JSON_NUMBER || m->value.u.number > 0x7fffffffu) {
        return decode_error(d, "output: %s: expected a small integer", m->key);
    }
    *dst = (long)m->value.u.number;
    return 0;
}

static int
decode_output_member(const struct hm_json_member *m, struct hm_output *o,
                     struct decoder *d)
{
    long n = 0;
    int rc = 0;

    if (!strcmp(m->key, "trace_json")) {
        if (m->value.type != HM_JSON_BOOL) {
            return decode_error(d, "output: trace_json: expected true or "
                                   "false");
        }
        o->trace_json = m->value.u.boolean;
    } else if (!strcmp(m->key, "top_pid")) {
        rc = decode_number(m, &o->top_pid, d);
    } else if (!strcmp(m->key, "trace_fd") || !strcmp(m->key, "log_fd")) {
        rc = decode_number(m, &n, d);
        *(m->key[0] == 't' ? &o->trace_fd : &o->log_fd) = (int)n;
    } else {
        char q[QUOTED_CAP];

        rc = decode_error(d, "output: unknown key: %s",
                          quote_value(q, sizeof(q), m->key, m->klen));
    }
    return rc;
}

/* "output": the run's reports (struct hm_output); each key at most once. */
static int
decode_output(const struct hm_json *v, struct hm_output *o, struct decoder *d)
{
    int rc = 0;

    if (v->type != HM_JSON_OBJECT) {
        return decode_error(d, "output: expected an object");
    }
    for (size_t i = 0; rc == 0 && i < v->n; i++) {
        const struct hm_json_member *m = &v->u.members[i];

        for (size_t j = 0; j < i; j++) {
            if (!strcmp(v->u.members[j].key, m->key)) {
                return decode_error(d, "output: duplicate key: %s", m->key);
            }
        }
        rc = decode_output_member(m, o, d);
    }
    return rc;
}

static const char *const root_keys[] = {"version", "seal_all", "stack",
                                        "output"};

static int
root_index(const struct hm_json_member *m)
{
    for (int idx = 0; idx < 4; idx++) {
        if (m->klen == strlen(root_keys[idx]) &&
            !memcmp(m->key, root_keys[idx], m->klen)) {
            return idx;
        }
    }
    return -1;
}

static int
decode_root(const struct hm_json *root, struct hm_stack *out,
            struct decoder *d)
{
    unsigned long seen = 0;
    int rc;

    if (root->type != HM_JSON_OBJECT) {
        return decode_error(d, "expected a JSON object");
    }
    rc = check_version(root, d);
    for (size_t i = 0; rc == 0 && i < root->n; i++) {
        const struct hm_json_member *m = &root->u.members[i];
        int idx = root_index(m);

        rc = check_key(m, idx, &seen, d);
        if (rc < 0 || idx == 0) {
            continue;
        }
        if (idx == 2) {
            rc = decode_stack(&m->value, out, d);
        } else if (idx == 3) {
            rc = decode_output(&m->value, &out->out, d);
        } else if (m->value.type != HM_JSON_BOOL) {
            rc = decode_error(d, "seal_all: expected true or false");
        } else {
            out->seal_all = m->value.u.boolean;
        }
    }
    return rc;
}

int
hm_stack_decode(const char *json, size_t len, struct hm_stack *out, char *err,
                size_t errlen)
{
    struct decoder d = {err, errlen, ""};
    struct hm_json root;
    int rc;

    out->v = NULL;
    out->n = 0;
    out->seal_all = 0;
    hm_output_init(&out->out);
    rc = hm_json_parse(json, len, &root, err, errlen);
    if (rc < 0) {
        return rc;
    }
    rc = decode_root(&root, out, &d);
    hm_json_free(&root);
    if (rc < 0) {
        hm_stack_free(out);
    }
    return rc;
}

void
hm_stack_free(struct hm_stack *s)
{
    for (size_t i = 0; i < s->n; i++) {
        hm_policy_free(&s->v[i]);
    }
    free(s->v);
    s->v = NULL;
    s->n = 0;
    s->seal_all = 0;
    hm_output_init(&s->out);
}
