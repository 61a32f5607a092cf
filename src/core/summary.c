/*
 * summary.c: the summary of an observed run (see summary.h).
 *
 * Lists are kept sorted and without duplicates, so the same actions give
 * the same summary whatever order the processes of the run wrote them in.
 */
#include "summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "netmatch.h"

/* More distinct paths than this are shown by directory. */
#define PATHS_SHOWN 6

/* A sorted set of strings. */
struct set {
    char **v;
    size_t n;
};

/* The guards of SPEC section 4, in its order. */
static const char *const guards[] = {
    "network",   "subprocess", "filesystem", "environment",
    "code_exec", "imports",    "native",     "interpreter",
};
#define NGUARDS (sizeof(guards) / sizeof(guards[0]))

struct tally {
    unsigned long observed;
    unsigned long blocked;
    unsigned long per_guard[NGUARDS + 1]; /* the last: any other guard */
    struct set pids, hosts, paths, modules, variables, apis;
    struct set allow_domains, allow_ips, allow_env, allow_write;
    struct set never;  /* metadata endpoints: no allowance */
    struct set denied; /* modules whose --deny-import must go */
    unsigned drop;     /* blocks with no allowance narrow enough */
    int allow_localhost;
    int failed; /* out of memory */
};

static int
set_add(struct set *s, const char *v, size_t n)
{
    size_t lo = 0, hi = s->n;
    char **nv, *copy;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strncmp(s->v[mid], v, n);

        if (c == 0 && s->v[mid][n] == '\0') {
            return 0;
        }
        if (c < 0 || (c == 0 && s->v[mid][n] == '\0')) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    nv = realloc(s->v, (s->n + 1) * sizeof(*nv));
    copy = nv != NULL ? strndup(v, n) : NULL;
    if (copy == NULL) {
        if (nv != NULL) {
            s->v = nv;
        }
        return -1;
    }
    s->v = nv;
    memmove(&s->v[lo + 1], &s->v[lo], (s->n - lo) * sizeof(*nv));
    s->v[lo] = copy;
    s->n++;
    return 0;
}

static void
set_free(struct set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i]);
    }
    free(s->v);
}

static void
add(struct tally *t, struct set *s, const struct hm_json *v)
{
    if (v != NULL && v->type == HM_JSON_STRING &&
        set_add(s, v->u.string, v->n) < 0) {
        t->failed = 1;
    }
}

static void
adds(struct tally *t, struct set *s, const char *v)
{
    if (set_add(s, v, strlen(v)) < 0) {
        t->failed = 1;
    }
}

/* The string member key of a report, or "" */
static const char *
str(const struct hm_json *r, const char *key)
{
    const struct hm_json *v = hm_json_get(r, key);

    return v != NULL && v->type == HM_JSON_STRING ? v->u.string : "";
}

static void
count_guard(struct tally *t, const char *guard)
{
    size_t i = 0;

    while (i < NGUARDS && strcmp(guards[i], guard) != 0) {
        i++;
    }
    t->per_guard[i]++;
}

/* What lets a host through: localhost, an address or a domain. */
static void
allow_host(struct tally *t, const char *host)
{
    struct hm_addr a;
    size_t n = strlen(host);

    if (hm_addr_parse(host, n, &a) == 0) {
        if (hm_addr_is_loopback_peer(&a)) {
            t->allow_localhost = 1;
        } else {
            adds(t, &t->allow_ips, host);
        }
    } else if (hm_name_is_loopback(host, n)) {
        t->allow_localhost = 1;
    } else if (n > 0) {
        adds(t, &t->allow_domains, host);
    }
}

/* The directory of a path ("." for a bare name). */
static void
allow_dir(struct tally *t, const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL) {
        adds(t, &t->allow_write, ".");
    } else if (set_add(&t->allow_write, path,
                       slash == path ? 1 : (size_t)(slash - path)) < 0) {
        t->failed = 1;
    }
}

/* The flag a reason names ("no-subprocess" -> --no-subprocess). */
static unsigned
reason_flag(const char *reason)
{
    for (const struct hm_field *f = hm_fields; f->name != NULL; f++) {
        if (f->kind == HM_FIELD_BOOL && !strncmp(f->cli, "--", 2) &&
            !strcmp(f->cli + 2, reason)) {
            return f->flag;
        }
    }
    return 0;
}

/* What would let this action through under the suggested flags. */
static void
suggest(struct tally *t, const struct hm_json *r)
{
    const char *reason = str(r, "reason");
    const char *api = str(r, "api");

    if (!strcmp(reason, "metadata")) {
        adds(t, &t->never, str(r, "host"));
    } else if (!strcmp(reason, "no-network") && hm_json_get(r, "host")) {
        allow_host(t, str(r, "host"));
    } else if (!strcmp(reason, "no-environment") &&
               !strcmp(api, "environment read")) {
        adds(t, &t->allow_env, str(r, "name"));
    } else if (!strcmp(reason, "fs-readonly") && hm_json_get(r, "path")) {
        allow_dir(t, str(r, "path"));
    } else if (!strcmp(reason, "deny-import")) {
        adds(t, &t->denied, str(r, "name"));
    } else {
        t->drop |= reason_flag(reason);
    }
}

/* The lists of what was touched. */
static void
collect(struct tally *t, const struct hm_json *r)
{
    const char *guard = str(r, "guard");

    add(t, &t->hosts, hm_json_get(r, "host"));
    add(t, &t->paths, hm_json_get(r, "path"));
    add(t, &t->modules, hm_json_get(r, "spec"));
    if (!strcmp(str(r, "api"), "import")) {
        add(t, &t->modules, hm_json_get(r, "name"));
    } else if (!strcmp(guard, "environment")) {
        add(t, &t->variables, hm_json_get(r, "name"));
    } else if (!strcmp(guard, "subprocess")) {
        add(t, &t->apis, hm_json_get(r, "target"));
    } else if (hm_json_get(r, "name") != NULL) {
        add(t, &t->apis, hm_json_get(r, "name"));
    }
}

static void
tally_line(struct tally *t, const char *line, size_t n)
{
    struct hm_json r;
    const struct hm_json *pid;
    char num[32];

    if (hm_json_parse(line, n, &r, NULL, 0) < 0) {
        return;
    }
    if (r.type == HM_JSON_OBJECT && hm_json_get(&r, "verb") != NULL) {
        if (!strcmp(str(&r, "verb"), "would block")) {
            t->observed++;
        } else {
            t->blocked++;
        }
        count_guard(t, str(&r, "guard"));
        pid = hm_json_get(&r, "pid");
        if (pid != NULL && pid->type == HM_JSON_NUMBER) {
            snprintf(num, sizeof(num), "%lu", pid->u.number);
            adds(t, &t->pids, num);
        }
        collect(t, &r);
        suggest(t, &r);
    }
    hm_json_free(&r);
}

/* --- writing ---------------------------------------------------------- */

static void
put_set(struct hm_buf *b, const char *label, const struct set *s)
{
    if (s->n == 0) {
        return;
    }
    hm_buf_adds(b, "  ");
    hm_buf_adds(b, label);
    hm_buf_adds(b, ":");
    for (size_t i = 0; i < s->n; i++) {
        hm_buf_adds(b, " ");
        hm_buf_adds(b, s->v[i]);
    }
    hm_buf_adds(b, "\n");
}

/* Modules, without the submodules of those listed (importing a package
 * imports its submodules). */
static void
put_modules(struct hm_buf *b, const struct tally *t)
{
    const char *sep = "  modules:";

    for (size_t i = 0; i < t->modules.n; i++) {
        const char *m = t->modules.v[i];
        int sub = 0;

        for (size_t j = 0; j < t->modules.n && !sub; j++) {
            size_t n = strlen(t->modules.v[j]);

            sub = j != i && !strncmp(m, t->modules.v[j], n) && m[n] == '.';
        }
        if (!sub) {
            hm_buf_adds(b, sep);
            hm_buf_adds(b, " ");
            hm_buf_adds(b, m);
            sep = "";
        }
    }
    hm_buf_adds(b, *sep == '\0' ? "\n" : "");
}

/* Paths, or when there are many, their directories with counts. */
static void
put_paths(struct hm_buf *b, struct tally *t)
{
    struct set dirs = {0};
    char item[64];

    if (t->paths.n <= PATHS_SHOWN) {
        put_set(b, "paths", &t->paths);
        return;
    }
    for (size_t i = 0; i < t->paths.n; i++) {
        const char *p = t->paths.v[i], *slash = strrchr(p, '/');
        size_t n = slash == NULL ? 0 : (size_t)(slash - p) + 1;

        if (set_add(&dirs, n ? p : "./", n ? n : 2) < 0) {
            t->failed = 1;
        }
    }
    hm_buf_adds(b, "  paths:");
    for (size_t i = 0; i < dirs.n; i++) {
        size_t k = 0, n = strlen(dirs.v[i]);

        for (size_t j = 0; j < t->paths.n; j++) {
            const char *p = t->paths.v[j];

            k += !strncmp(p, dirs.v[i], n) && strchr(p + n, '/') == NULL;
        }
        snprintf(item, sizeof(item), " (%zu)", k);
        hm_buf_adds(b, " ");
        hm_buf_adds(b, dirs.v[i]);
        hm_buf_adds(b, k > 1 ? item : "");
    }
    hm_buf_adds(b, "\n");
    set_free(&dirs);
}

static void
put_counts(struct hm_buf *b, const struct tally *t)
{
    char line[160];
    const char *sep = "  by guard: ";

    snprintf(line, sizeof(line),
             "hermetic: observe: %lu action%s would be blocked, %lu %s "
             "blocked (%zu process%s)\n",
             t->observed, t->observed == 1 ? "" : "s", t->blocked,
             t->blocked == 1 ? "was" : "were", t->pids.n,
             t->pids.n == 1 ? "" : "es");
    hm_buf_adds(b, line);
    for (size_t i = 0; i <= NGUARDS; i++) {
        if (t->per_guard[i] == 0) {
            continue;
        }
        snprintf(line, sizeof(line), "%s%s %lu", sep,
                 i < NGUARDS ? guards[i] : "other", t->per_guard[i]);
        hm_buf_adds(b, line);
        sep = ", ";
    }
    hm_buf_adds(b, *sep == ',' ? "\n" : "");
}

/* " --opt value" for every item of s. */
static void
put_flags(struct hm_buf *b, const char *opt, const struct set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        hm_buf_adds(b, " ");
        hm_buf_adds(b, opt);
        hm_buf_adds(b, " ");
        hm_buf_adds(b, s->v[i]);
    }
}

/* 1 when an observed module is pattern or under it: the --deny-import
 * must go. */
static int
pattern_hit(const struct tally *t, const char *pattern)
{
    size_t n = strlen(pattern);

    for (size_t i = 0; i < t->denied.n; i++) {
        const char *m = t->denied.v[i];

        if (!strncmp(m, pattern, n) && (m[n] == '\0' || m[n] == '.')) {
            return 1;
        }
    }
    return 0;
}

/* The lists of p merged into t's allowances, so they print in order. */
static void
merge_lists(struct tally *t, const struct hm_policy *p)
{
    char cidr[64];

    for (size_t i = 0; i < p->allow_domains.n; i++) {
        adds(t, &t->allow_domains, p->allow_domains.v[i]);
    }
    for (size_t i = 0; i < p->allow_ips.n; i++) {
        hm_cidr_format(&p->allow_ips.v[i], cidr, sizeof(cidr));
        adds(t, &t->allow_ips, cidr);
    }
    for (size_t i = 0; i < p->allow_env.n; i++) {
        adds(t, &t->allow_env, p->allow_env.v[i]);
    }
    for (size_t i = 0; i < p->allow_write.n; i++) {
        adds(t, &t->allow_write, p->allow_write.v[i]);
    }
}

/* The blocks the suggestion keeps, as options, in the table's order. */
static void
put_blocks(struct hm_buf *b, unsigned flags, const struct tally *t)
{
    for (const struct hm_field *f = hm_fields; f->name != NULL; f++) {
        if (f->kind != HM_FIELD_BOOL || !(flags & f->flag) ||
            (t->drop & f->flag) || f->flag == HM_OBSERVE ||
            f->flag == HM_TRACE || f->flag == HM_ALLOW_LOCALHOST) {
            continue;
        }
        hm_buf_adds(b, " ");
        hm_buf_adds(b, f->cli);
    }
}

/* The hint for blocks that no allowance narrows, and for endpoints that
 * nothing allows. */
static void
put_dropped(struct hm_buf *b, const struct tally *t, unsigned flags,
            const struct set *modules)
{
    const char *sep = "hint: nothing narrower lets these through, so they "
                      "were left out:";

    for (const struct hm_field *f = hm_fields; f->name != NULL; f++) {
        if (f->kind == HM_FIELD_BOOL && (flags & t->drop & f->flag)) {
            hm_buf_adds(b, sep);
            hm_buf_adds(b, " ");
            hm_buf_adds(b, f->cli);
            sep = "";
        }
    }
    for (size_t i = 0; i < modules->n; i++) {
        hm_buf_adds(b, sep);
        hm_buf_adds(b, " --deny-import ");
        hm_buf_adds(b, modules->v[i]);
        sep = "";
    }
    hm_buf_adds(b, *sep == '\0' ? "\n" : "");
    if (t->never.n > 0) {
        hm_buf_adds(b, "hint: cloud metadata endpoints are never allowed:");
        for (size_t i = 0; i < t->never.n; i++) {
            hm_buf_adds(b, " ");
            hm_buf_adds(b, t->never.v[i]);
        }
        hm_buf_adds(b, "\n");
    }
}

/* "hermetic: observe: flags that let this run pass: ..." and what had
 * to be dropped. */
static void
put_suggestion(struct hm_buf *b, struct tally *t, const struct hm_policy *p)
{
    struct set dropped = {0};

    merge_lists(t, p);
    hm_buf_adds(b, "hermetic: observe: flags that let this run pass:");
    put_blocks(b, p->flags, t);
    if (!(t->drop & HM_BLOCK_NETWORK)) {
        hm_buf_adds(b, (p->flags & HM_ALLOW_LOCALHOST) || t->allow_localhost
                           ? " --allow-localhost"
                           : "");
        put_flags(b, "--allow-domain", &t->allow_domains);
        put_flags(b, "--allow-ip", &t->allow_ips);
    }
    if (!(t->drop & HM_FS_READONLY) && p->fs_root != NULL) {
        hm_buf_adds(b, " --fs-readonly=");
        hm_buf_adds(b, p->fs_root);
    }
    if (!(t->drop & HM_FS_READONLY)) {
        put_flags(b, "--allow-write", &t->allow_write);
    }
    if (!(t->drop & HM_BLOCK_ENVIRONMENT)) {
        put_flags(b, "--allow-env", &t->allow_env);
    }
    for (size_t i = 0; i < p->deny_imports.n; i++) {
        const char *m = p->deny_imports.v[i];

        if (pattern_hit(t, m)) {
            adds(t, &dropped, m);
        } else {
            hm_buf_adds(b, " --deny-import ");
            hm_buf_adds(b, m);
        }
    }
    hm_buf_adds(b, "\n");
    put_dropped(b, t, p->flags, &dropped);
    set_free(&dropped);
}

/* The policies being learned: the observing ones, or all of s when none
 * observes.  -1 when out of memory. */
static int
learned(const struct hm_stack *s, struct hm_policy *p)
{
    int any = 0;

    for (size_t i = 0; i < s->n; i++) {
        any |= (s->v[i].flags & HM_OBSERVE) != 0;
    }
    hm_policy_init(p);
    for (size_t i = 0; i < s->n; i++) {
        if ((!any || (s->v[i].flags & HM_OBSERVE)) &&
            hm_policy_merge(p, &s->v[i]) < 0) {
            return -1;
        }
    }
    return 0;
}

static void
tally_free(struct tally *t)
{
    struct set *sets[] = {
        &t->pids,      &t->hosts,       &t->paths,         &t->modules,
        &t->variables, &t->apis,        &t->allow_domains, &t->allow_ips,
        &t->allow_env, &t->allow_write, &t->never,         &t->denied,
    };

    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
        set_free(sets[i]);
    }
}

char *
hm_summary(const char *log, size_t len, const struct hm_stack *s)
{
    struct tally t;
    struct hm_policy p;
    struct hm_buf b;
    size_t start = 0;

    memset(&t, 0, sizeof(t));
    for (size_t i = 0; i <= len; i++) {
        if (i == len || log[i] == '\n') {
            tally_line(&t, log + start, i - start);
            start = i + 1;
        }
    }
    hm_buf_init(&b);
    put_counts(&b, &t);
    put_set(&b, "hosts", &t.hosts);
    put_paths(&b, &t);
    put_modules(&b, &t);
    put_set(&b, "variables", &t.variables);
    put_set(&b, "apis", &t.apis);
    if (learned(s, &p) < 0) {
        t.failed = 1;
    }
    put_suggestion(&b, &t, &p);
    hm_policy_free(&p);
    if (t.failed) {
        b.failed = 1;
    }
    tally_free(&t);
    return hm_buf_take(&b);
}
