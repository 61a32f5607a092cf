/*
 * fuzz_pathmatch.c: lexical normalisation, containment and sqlite3 name
 * classification on arbitrary bytes.
 *
 * Invariants checked: a normalised path is absolute, holds no "//", "/."
 * or "/.." component and no trailing slash, and normalising it again
 * changes nothing; a path is inside itself, and inside a root only at a
 * component boundary; the sqlite3 classifier never writes past its
 * buffer and always NUL-terminates what it returns.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pathmatch.h"

static int
has_bad_component(const char *p, size_t n)
{
    if (n > 1 && p[n - 1] == '/') {
        return 1;
    }
    for (size_t i = 0; i + 1 < n; i++) {
        if (p[i] != '/') {
            continue;
        }
        if (p[i + 1] == '/') {
            return 1;
        }
        if (p[i + 1] == '.' && (i + 2 == n || p[i + 2] == '/')) {
            return 1;
        }
        if (p[i + 1] == '.' && i + 2 < n && p[i + 2] == '.' &&
            (i + 3 == n || p[i + 3] == '/')) {
            return 1;
        }
    }
    return 0;
}

static void
check_normalize(const char *s, size_t len)
{
    char out[512], again[512];
    long n = hm_path_normalize(s, len, out, sizeof(out));
    long m;

    if (n < 0) {
        return;
    }
    if (out[0] != '/' || (size_t)n != strlen(out) ||
        has_bad_component(out, (size_t)n)) {
        abort();
    }
    m = hm_path_normalize(out, (size_t)n, again, sizeof(again));
    if (m != n || memcmp(out, again, (size_t)n) != 0) {
        abort();
    }
    if (!hm_path_inside(out, (size_t)n, out, (size_t)n) ||
        !hm_path_inside(out, (size_t)n, "/", 1)) {
        abort();
    }
}

static void
check_inside(const char *s, size_t len, size_t split)
{
    char a[512], b[512];
    long na = hm_path_normalize(s, split, a, sizeof(a));
    long nb = hm_path_normalize(s + split, len - split, b, sizeof(b));

    if (na < 0 || nb < 0 || !hm_path_inside(a, (size_t)na, b, (size_t)nb)) {
        return;
    }
    /* Inside at a boundary: the root is a prefix followed by '/' or the
     * end, or the root is "/". */
    if (!(nb == 1 || na == nb || a[nb] == '/') || memcmp(a, b, (size_t)nb)) {
        abort();
    }
}

static void
check_sqlite(const char *s, size_t len, int uri)
{
    char path[64];
    enum hm_sqlite_kind kind;

    memset(path, 'Z', sizeof(path));
    if (hm_sqlite_classify(s, len, uri, path, sizeof(path), &kind) == 0 &&
        kind != HM_SQLITE_MEMORY && memchr(path, '\0', sizeof(path)) == NULL) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t split;

    if (size == 0) {
        return 0;
    }
    split = data[0] % size;
    check_normalize(s + 1, size - 1);
    check_inside(s, size, split);
    check_sqlite(s + 1, size - 1, data[0] & 1);
    hm_open_mode_write(s, size);
    hm_path_is_sink(s, size);
    hm_path_is_source(s, size);
    return 0;
}
