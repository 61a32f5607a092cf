/*
 * pathmatch.c: lexical paths, open modes and sqlite3 names (see
 * pathmatch.h).
 */
#include "pathmatch.h"

#include <fcntl.h>
#include <string.h>

#ifndef O_TMPFILE
#define O_TMPFILE 0
#endif

/* Drops the last component of out[0..len), never the leading "/". */
static size_t
pop_component(const char *out, size_t len)
{
    while (len > 1 && out[len - 1] != '/') {
        len--;
    }
    return len > 1 ? len - 1 : 1;
}

/* Appends the component c (clen bytes) to out[0..len).  -1: no room. */
static long
push_component(char *out, size_t len, size_t cap, const char *c, size_t clen)
{
    size_t sep = len > 1 ? 1 : 0;

    if (len + sep + clen + 1 > cap) {
        return -1;
    }
    if (sep) {
        out[len] = '/';
    }
    memcpy(out + len + sep, c, clen);
    return (long)(len + sep + clen);
}

long
hm_path_normalize(const char *in, size_t len, char *out, size_t cap)
{
    size_t n = 1, i = 0;

    if (len == 0 || in[0] != '/' || cap < 2 || memchr(in, '\0', len)) {
        return -1;
    }
    out[0] = '/';
    while (i < len) {
        size_t start, clen;
        long r;

        while (i < len && in[i] == '/') {
            i++;
        }
        start = i;
        while (i < len && in[i] != '/') {
            i++;
        }
        clen = i - start;
        if (clen == 0 || (clen == 1 && in[start] == '.')) {
            continue;
        }
        if (clen == 2 && in[start] == '.' && in[start + 1] == '.') {
            n = pop_component(out, n);
            continue;
        }
        r = push_component(out, n, cap, in + start, clen);
        if (r < 0) {
            return -1;
        }
        n = (size_t)r;
    }
    out[n] = '\0';
    return (long)n;
}

long
hm_path_join(const char *base, const char *rel, size_t rlen, char *out,
             size_t cap)
{
    size_t blen = strlen(base);
    char tmp[8192];

    if (rlen > 0 && rel[0] == '/') {
        return hm_path_normalize(rel, rlen, out, cap);
    }
    if (blen + 1 + rlen > sizeof(tmp)) {
        return -1;
    }
    memcpy(tmp, base, blen);
    tmp[blen] = '/';
    memcpy(tmp + blen + 1, rel, rlen);
    return hm_path_normalize(tmp, blen + 1 + rlen, out, cap);
}

int
hm_path_inside(const char *path, size_t plen, const char *root, size_t rlen)
{
    if (rlen == 1 && root[0] == '/') {
        return plen > 0 && path[0] == '/';
    }
    if (plen < rlen || memcmp(path, root, rlen) != 0) {
        return 0;
    }
    return plen == rlen || path[rlen] == '/';
}

int
hm_open_flags_write(int flags)
{
    int write = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND;

    /* O_TMPFILE includes O_DIRECTORY: test all of its bits. */
    if (O_TMPFILE != 0 && (flags & O_TMPFILE) == O_TMPFILE) {
        return 1;
    }
    return (flags & write) != 0;
}

int
hm_open_mode_write(const char *mode, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (mode[i]) {
        case 'w':
        case 'a':
        case 'x':
        case '+':
            return 1;
        default:
            break;
        }
    }
    return 0;
}

/* "dev" somewhere in s: memchr is the fast part, on every open. */
static int
has_dev(const char *s, size_t len)
{
    const char *end = s + len;

    for (const char *d = memchr(s, 'd', len); d != NULL && end - d >= 3;
         d = memchr(d + 1, 'd', (size_t)(end - d - 1))) {
        if (d[1] == 'e' && d[2] == 'v') {
            return 1;
        }
    }
    return 0;
}

static int
in_list(const char *path, size_t len, const char *const *list)
{
    char norm[64];
    long n;

    /* Every entry is under /dev, and lexical normalization only removes
     * components: a path without "dev" in it is none of them.  The check
     * runs on every open, so it is worth skipping the normalization. */
    if (len >= sizeof(norm) || !has_dev(path, len)) {
        return 0;
    }
    n = hm_path_normalize(path, len, norm, sizeof(norm));
    for (size_t i = 0; n > 0 && list[i] != NULL; i++) {
        if (strcmp(norm, list[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static const char *const sinks[] = {
    "/dev/null", "/dev/zero", "/dev/tty", "/dev/stdout", "/dev/stderr", NULL,
};

static const char *const sources[] = {
    "/dev/null",  "/dev/zero",   "/dev/tty",     "/dev/stdout", "/dev/stderr",
    "/dev/stdin", "/dev/random", "/dev/urandom", NULL,
};

int
hm_path_is_sink(const char *path, size_t len)
{
    return in_list(path, len, sinks);
}

int
hm_path_is_source(const char *path, size_t len)
{
    return in_list(path, len, sources);
}

int
hm_path_is_named(const char *path, size_t len, const char *name)
{
    const char *const list[] = {name, NULL};

    return in_list(path, len, list);
}

/* --- sqlite3 ---------------------------------------------------------- */

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Percent-decodes s[0..len) into out.  -1: no room or a NUL byte. */
static int
percent_decode(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];

        if (c == '%' && i + 2 < len && hex_value(s[i + 1]) >= 0 &&
            hex_value(s[i + 2]) >= 0) {
            c = hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]);
            i += 2;
        }
        if (c == 0 || n + 1 >= cap) {
            return -1;
        }
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return 0;
}

/* The value of the last "key=value" in the query q, or NULL. */
static const char *
query_value(const char *q, size_t len, const char *key, size_t *vlen)
{
    size_t klen = strlen(key);
    const char *found = NULL;
    size_t i = 0;

    while (i < len) {
        size_t start = i;

        while (i < len && q[i] != '&') {
            i++;
        }
        if (i - start > klen && memcmp(q + start, key, klen) == 0 &&
            q[start + klen] == '=') {
            found = q + start + klen + 1;
            *vlen = i - start - klen - 1;
        }
        i++;
    }
    return found;
}

static int
value_is(const char *v, size_t vlen, const char *want)
{
    return v != NULL && vlen == strlen(want) && memcmp(v, want, vlen) == 0;
}

/* The path part of "file:" URI s: after an empty or "localhost"
 * authority, up to '?' or '#'.  Returns its start, or NULL. */
static const char *
uri_path(const char *s, size_t len, size_t *plen)
{
    const char *p = s + 5, *end = s + len;

    if (end - p >= 2 && p[0] == '/' && p[1] == '/') {
        const char *auth = p + 2;

        p = memchr(auth, '/', (size_t)(end - auth));
        if (p == NULL) {
            p = end;
        }
        if (p != auth &&
            !((size_t)(p - auth) == 9 && memcmp(auth, "localhost", 9) == 0)) {
            return NULL;
        }
    }
    *plen = 0;
    while (p + *plen < end && p[*plen] != '?' && p[*plen] != '#') {
        (*plen)++;
    }
    return p;
}

static int
classify_uri(const char *db, size_t len, char *path, size_t cap,
             enum hm_sqlite_kind *kind)
{
    size_t plen, qlen = 0, vlen = 0, ilen = 0;
    const char *p = uri_path(db, len, &plen);
    const char *q, *mode, *immutable;

    if (p == NULL) {
        return -1;
    }
    q = p + plen;
    if (q < db + len && *q == '?') {
        q++;
        while (q + qlen < db + len && q[qlen] != '#') {
            qlen++;
        }
    }
    mode = query_value(q, qlen, "mode", &vlen);
    immutable = query_value(q, qlen, "immutable", &ilen);
    if (value_is(mode, vlen, "memory") ||
        (plen == 8 && memcmp(p, ":memory:", 8) == 0)) {
        *kind = HM_SQLITE_MEMORY;
        return 0;
    }
    *kind = value_is(mode, vlen, "ro") || value_is(immutable, ilen, "1")
                ? HM_SQLITE_READ
                : HM_SQLITE_WRITE;
    return percent_decode(p, plen, path, cap);
}

int
hm_sqlite_classify(const char *db, size_t len, int uri, char *path, size_t cap,
                   enum hm_sqlite_kind *kind)
{
    if (len == 0 || (len == 8 && memcmp(db, ":memory:", 8) == 0)) {
        *kind = HM_SQLITE_MEMORY;
        return 0;
    }
    if (uri && len >= 5 && memcmp(db, "file:", 5) == 0) {
        return classify_uri(db, len, path, cap, kind);
    }
    *kind = HM_SQLITE_WRITE;
    if (len + 1 > cap || memchr(db, '\0', len) != NULL) {
        return -1;
    }
    memcpy(path, db, len);
    path[len] = '\0';
    return 0;
}
