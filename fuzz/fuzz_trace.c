/*
 * fuzz_trace.c: trace values and lines on arbitrary bytes.  Every line
 * must be at most HM_LINE_MAX bytes, hold exactly one newline, at its
 * end, and end with " reason=<reason>\n".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

static void
check_line(const struct hm_line *l, size_t len, const char *reason)
{
    size_t rlen = strlen(reason);

    if (len > HM_LINE_MAX || len < rlen + 9 || l->buf[len - 1] != '\n' ||
        memchr(l->buf, '\n', len) != l->buf + len - 1 ||
        memcmp(l->buf + len - rlen - 9, " reason=", 8) ||
        memcmp(l->buf + len - rlen - 1, reason, rlen)) {
        abort();
    }
}

/* hm_quote: the length it reports is what it writes with enough room,
 * and a quoted value holds no raw newline. */
static void
check_quote(const char *v, size_t n)
{
    size_t need = hm_quote(NULL, 0, v, n);
    char *out;

    if (need < n || need > 4 * n + 2) {
        abort();
    }
    out = malloc(need + 1);
    if (out == NULL || hm_quote(out, need + 1, v, n) != need ||
        memchr(out, '\n', need) != NULL) {
        abort();
    }
    free(out);
}

/* A NUL-terminated copy of data, for the api word: it may hold any byte
 * but NUL, and none may break the line. */
static char *
word_of(const uint8_t *data, size_t n)
{
    char *w = malloc(n + 1);

    if (w == NULL) {
        abort();
    }
    memcpy(w, data, n);
    w[n] = '\0';
    return w;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct hm_line l;
    const char *reasons[] = {"no-network", "fs-readonly", "metadata", "x"};
    const char *reason;
    char *value, *api;
    size_t len, half;

    if (size == 0) {
        return 0;
    }
    /* The value in an allocation of its exact size, so that ASan sees any
     * read past its end. */
    value = calloc(size - 1 ? size - 1 : 1, 1);
    if (value == NULL) {
        abort();
    }
    memcpy(value, data + 1, size - 1);
    check_quote(value, size - 1);
    half = (size - 1) / 2;
    api = word_of(data + 1, data[0] & 4 ? strnlen(value, half) : 0);
    hm_line_start(&l, data[0] & 1 ? "would block" : "blocked", api);
    hm_line_add(&l, "path", value, half);
    if (data[0] & 2) {
        hm_line_add(&l, "name", value + half, size - 1 - half);
    }
    reason = reasons[data[0] >> 6];
    len = hm_line_finish(&l, reason);
    check_line(&l, len, reason);
    free(api);
    free(value);
    return 0;
}
