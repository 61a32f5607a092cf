/*
 * kcheck.c: what the launcher does for --kernel before exec (kcheck.h).
 * The rules themselves are applied in the target, by the preload shim.
 */
#include "kcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfkind.h"
#include "kernel.h"
#include "kernelplan.h"

/* The plan of json for this kernel; -1 when json does not decode (it was
 * built by this launcher: out of memory). */
static int
plan_of(const char *json, struct hm_kplan *plan, struct hm_kenv *kenv)
{
    struct hm_stack s = {0};
    const struct hm_policy **v;
    char err[256];
    int rc = -1;

    if (hm_stack_decode(json, strlen(json), &s, err, sizeof(err)) < 0) {
        return -1;
    }
    v = calloc(s.n + 1, sizeof(*v));
    if (v != NULL) {
        for (size_t i = 0; i < s.n; i++) {
            v[i] = &s.v[i];
        }
        /* Without --kernel the kernel is not asked about anything. */
        memset(plan, 0, sizeof(*plan));
        rc = 0;
        if (hm_policies_kernel(v, s.n) != HM_KLEVEL_OFF) {
            hm_kernel_env(kenv, NULL);
            rc = hm_kplan_build(v, s.n, kenv, plan) < 0 ? -1 : 0;
        }
        free(v);
    }
    hm_stack_free(&s);
    return rc;
}

int
hm_kcheck_asked(const char *json)
{
    struct hm_kplan *plan = malloc(sizeof(*plan));
    struct hm_kenv kenv;
    int asked;

    asked = plan == NULL || plan_of(json, plan, &kenv) < 0 ||
            plan->level != HM_KLEVEL_OFF;
    free(plan);
    return asked;
}

static const char *const strict_hint =
    "drop those flags, or use --kernel to hold them at the Python level "
    "only";
static const char *const kernel_hint =
    "Landlock needs a kernel built with CONFIG_SECURITY_LANDLOCK=y and "
    "\"landlock\" in its lsm= list; or use --kernel, which says what it "
    "does not hold";

static int
refuse_strict(const struct hm_kplan *plan, const struct hm_kenv *kenv,
              struct hm_cli_error *e)
{
    char buf[600];
    const char *gap = hm_kernel_strict_gap(plan, kenv, buf, sizeof(buf));

    if (plan->level != HM_KLEVEL_STRICT || gap == NULL) {
        return 0;
    }
    snprintf(e->what, sizeof(e->what), "--kernel=strict: %s", gap);
    snprintf(e->hint, sizeof(e->hint), "%s",
             kenv->abi < 1 || !kenv->seccomp ? kernel_hint : strict_hint);
    return -1;
}

/* The one note of --kernel: what stays at the Python level. */
static void
note_gaps(const struct hm_kplan *plan, const struct hm_kenv *kenv)
{
    unsigned gaps = plan->asked & ~plan->held;
    char parts[600];

    if (kenv->abi < 1) {
        fprintf(stderr, "hermetic: note: this kernel has no Landlock\n");
    }
    if (!kenv->seccomp) {
        fprintf(stderr, "hermetic: note: this kernel has no seccomp "
                        "filters\n");
    }
    if (gaps != 0) {
        hm_kplan_describe(gaps, parts, sizeof(parts));
        fprintf(stderr, "hermetic: note: the kernel does not hold: %s\n",
                parts);
    }
}

/* The preload applies the tier: a program that does not load it would
 * run with the Python-level policy only, which is not what was asked. */
static int
refuse_static(const struct hm_target *t, struct hm_cli_error *e)
{
    unsigned char head[4096];
    ssize_t n = -1;
    int fd = open(t->path, O_RDONLY | O_CLOEXEC);
    enum hm_elf_kind kind;

    if (fd >= 0) {
        n = read(fd, head, sizeof(head));
        close(fd);
    }
    kind = hm_elf_kind(head, n > 0 ? (size_t)n : 0);
    if (n < 0 || kind == HM_ELF_NONE || kind == HM_ELF_DYNAMIC) {
        return 0;
    }
    snprintf(e->what, sizeof(e->what),
             "--kernel: %.300s is %s: the kernel tier is applied by a "
             "preload library it does not load",
             t->path,
             kind == HM_ELF_FOREIGN ? "built for another architecture"
                                    : "statically linked");
    snprintf(e->hint, sizeof(e->hint),
             "start it from a dynamically linked program (sh -c '...') "
             "when processes are allowed, or drop --kernel");
    return -1;
}

int
hm_kcheck(const char *json, const struct hm_target *t, struct hm_cli_error *e)
{
    struct hm_kplan *plan = malloc(sizeof(*plan));
    struct hm_kenv kenv;
    int rc = -1;

    if (plan == NULL || plan_of(json, plan, &kenv) < 0) {
        snprintf(e->what, sizeof(e->what), "--kernel: out of memory");
        goto out_free_plan;
    }
    if (plan->level == HM_KLEVEL_OFF) {
        rc = 0;
        goto out_free_plan;
    }
    if (refuse_strict(plan, &kenv, e) < 0 || refuse_static(t, e) < 0) {
        goto out_free_plan;
    }
    if (hm_no_new_privs() < 0) {
        snprintf(e->what, sizeof(e->what), "--kernel: no_new_privs: %s",
                 strerror(errno));
        goto out_free_plan;
    }
    note_gaps(plan, &kenv);
    rc = 0;
out_free_plan:
    free(plan);
    return rc;
}
