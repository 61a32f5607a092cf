/*
 * fuzz_json_policy.c: hm_stack_decode on arbitrary bytes; whatever it
 * accepts must encode and decode back to the same stack, and its kernel
 * plan must be a program the kernel would load.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "kernelplan.h"
#include "policy.h"

/* -E2BIG is a plan too big to hold, refused; anything else must load. */
static void
check_plan(const struct hm_policy *const *v, size_t n)
{
    static const char *const readable[] = {"/usr/lib"};
    static struct hm_kplan plan;
    struct hm_kenv kenv = {7, 1, readable, 1};
    int rc = hm_kplan_build(v, n, &kenv, &plan);

    if (rc == -E2BIG) {
        return;
    }
    if (rc != 0 || hm_kplan_check(plan.prog, plan.nprog) != 0) {
        abort();
    }
}

static void
check_round_trip(const struct hm_stack *s)
{
    const struct hm_policy **v = calloc(s->n + 1, sizeof(*v));
    struct hm_stack back;
    char err[256];
    char *out;

    if (v == NULL) {
        return;
    }
    for (size_t i = 0; i < s->n; i++) {
        v[i] = &s->v[i];
    }
    out = hm_stack_encode(v, s->n, s->seal_all);
    if (out == NULL) {
        abort();
    }
    if (hm_stack_decode(out, strlen(out), &back, err, sizeof(err)) != 0 ||
        back.n != s->n || back.seal_all != s->seal_all) {
        abort();
    }
    for (size_t i = 0; i < s->n; i++) {
        if (!hm_policy_equal(&back.v[i], &s->v[i])) {
            abort();
        }
    }
    hm_stack_free(&back);
    free(out);
    check_plan(v, s->n);
    free(v);
}

/* The reason must be one line that fits the buffer. */
static void
check_err(const char *err, size_t cap)
{
    size_t n = strnlen(err, cap);

    if (n == cap || n == 0 || memchr(err, '\n', n) != NULL) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hm_stack s;
    struct hm_json j;
    char err[256];

    if (hm_stack_decode((const char *)data, size, &s, err, sizeof(err)) == 0) {
        check_round_trip(&s);
        hm_stack_free(&s);
    } else {
        check_err(err, sizeof(err));
    }
    if (hm_json_parse((const char *)data, size, &j, err, sizeof(err)) == 0) {
        hm_json_free(&j);
    }
    return 0;
}
