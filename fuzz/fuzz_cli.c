/*
 * fuzz_cli.c: hm_cli_parse on an argv made of the input's NUL-separated
 * words.  A refusal must be one line; an accepted command line must give
 * a policy that encodes and decodes back to itself, and a target that
 * is a suffix of argv.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "policy.h"

#define MAX_ARGS 64

static void
check_error(const struct hm_cli_error *e)
{
    size_t n = strnlen(e->what, sizeof(e->what));

    if (n == 0 || n == sizeof(e->what) || memchr(e->what, '\n', n) ||
        strnlen(e->hint, sizeof(e->hint)) == sizeof(e->hint)) {
        abort();
    }
}

static void
check_policy(const struct hm_policy *p)
{
    const struct hm_policy *v[1] = {p};
    struct hm_stack back;
    char err[256];
    char *json = hm_stack_encode(v, 1, 0);

    if (json == NULL) {
        abort();
    }
    if (hm_stack_decode(json, strlen(json), &back, err, sizeof(err)) != 0 ||
        back.n != 1 || !hm_policy_equal(&back.v[0], p)) {
        abort();
    }
    hm_stack_free(&back);
    free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1), *argv[MAX_ARGS + 2];
    struct hm_cli_error e;
    struct hm_cli cli;
    int argc = 1;

    if (buf == NULL) {
        return 0;
    }
    memcpy(buf, data, size);
    buf[size] = '\0';
    argv[0] = "hermetic";
    for (size_t at = 0; at <= size && argc <= MAX_ARGS;) {
        argv[argc++] = buf + at;
        at += strlen(buf + at) + 1;
    }
    argv[argc] = NULL;
    memset(&e, 0, sizeof(e));
    if (hm_cli_parse(argc, argv, &cli, &e) < 0) {
        check_error(&e);
    } else {
        check_policy(&cli.policy);
        if (cli.target != NULL &&
            (cli.target < argv || cli.target > argv + argc)) {
            abort();
        }
    }
    hm_cli_free(&cli);
    free(buf);
    return 0;
}
