/*
 * json.c: a strict JSON reader and a small writer (see json.h).
 *
 * The reader is recursive descent; HM_JSON_MAX_DEPTH bounds the recursion,
 * so no input can exhaust the stack.
 */
#include "json.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    const unsigned char *s;
    size_t len;
    size_t pos;
    const char *why; /* the syntax error, when one was found */
};

static int parse_value(struct parser *p, struct hm_json *out, int depth);

static int
syntax_error(struct parser *p, const char *why)
{
    p->why = why;
    return -EINVAL;
}

/* The next byte, or -1 at the end of the input. */
static int
peek(const struct parser *p)
{
    return p->pos < p->len ? p->s[p->pos] : -1;
}

static void
skip_space(struct parser *p)
{
    int c = peek(p);

    while (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        p->pos++;
        c = peek(p);
    }
}

/*
 * Makes room for item n of an array of size-byte items: returns the
 * (maybe moved) array, or NULL when out of memory (v is then untouched).
 */
static void *
grow(void *v, size_t *cap, size_t n, size_t size)
{
    size_t want = *cap ? *cap : 4;
    void *nv;

    if (n < *cap) {
        return v;
    }
    while (want <= n) {
        if (want > SIZE_MAX / 2 / size) {
            return NULL;
        }
        want *= 2;
    }
    nv = realloc(v, want * size);
    if (nv != NULL) {
        *cap = want;
    }
    return nv;
}

/* How many continuation bytes follow lead byte c; -1: c cannot lead. */
static int
utf8_tail(unsigned c)
{
    if (c < 0x80) {
        return 0;
    }
    if (c < 0xc2) {
        return -1;
    }
    if (c < 0xe0) {
        return 1;
    }
    if (c < 0xf0) {
        return 2;
    }
    return c < 0xf5 ? 3 : -1;
}

int
hm_utf8_valid(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        unsigned c = u[i];
        int k = utf8_tail(c);
        unsigned lo = 0x80, hi = 0xbf;

        if (k < 0 || n - i - 1 < (size_t)k) {
            return 0;
        }
        /* The second byte's range excludes overlong forms, surrogates
         * and code points above U+10FFFF. */
        if (c == 0xe0) {
            lo = 0xa0;
        } else if (c == 0xed) {
            hi = 0x9f;
        } else if (c == 0xf0) {
            lo = 0x90;
        } else if (c == 0xf4) {
            hi = 0x8f;
        }
        for (size_t j = 1; j <= (size_t)k; j++) {
            if (u[i + j] < lo || u[i + j] > hi) {
                return 0;
            }
            lo = 0x80;
            hi = 0xbf;
        }
        i += (size_t)k + 1;
    }
    return 1;
}

static int
hex4(struct parser *p, unsigned *cp)
{
    unsigned v = 0;

    if (p->len - p->pos < 4) {
        return syntax_error(p, "invalid \\u escape");
    }
    for (int i = 0; i < 4; i++) {
        int c = p->s[p->pos++];

        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= (unsigned)(c - '0');
        } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
            v |= (unsigned)((c | 0x20) - 'a' + 10);
        } else {
            return syntax_error(p, "invalid \\u escape");
        }
    }
    *cp = v;
    return 0;
}

static size_t
put_utf8(char *dst, unsigned cp)
{
    if (cp < 0x80) {
        dst[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        dst[0] = (char)(0xc0 | cp >> 6);
        dst[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        dst[0] = (char)(0xe0 | cp >> 12);
        dst[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        dst[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    dst[0] = (char)(0xf0 | cp >> 18);
    dst[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    dst[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    dst[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* After "\u": one code point, a surrogate pair joined; lone halves are
 * errors because they have no UTF-8 form. */
static int
unicode_escape(struct parser *p, unsigned *cp)
{
    unsigned lo;

    if (hex4(p, cp) < 0) {
        return -EINVAL;
    }
    if (*cp >= 0xdc00 && *cp <= 0xdfff) {
        return syntax_error(p, "lone surrogate");
    }
    if (*cp < 0xd800 || *cp > 0xdbff) {
        return 0;
    }
    if (p->len - p->pos < 2 || p->s[p->pos] != '\\' ||
        p->s[p->pos + 1] != 'u') {
        return syntax_error(p, "lone surrogate");
    }
    p->pos += 2;
    if (hex4(p, &lo) < 0) {
        return -EINVAL;
    }
    if (lo < 0xdc00 || lo > 0xdfff) {
        return syntax_error(p, "lone surrogate");
    }
    *cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
    return 0;
}

/* After a backslash: writes the escaped bytes to dst, returns how many. */
static int
escape(struct parser *p, char *dst, size_t *n)
{
    static const char from[] = "\"\\/bfnrt";
    static const char to[] = "\"\\/\b\f\n\r\t";
    const char *hit;
    unsigned cp;
    int c = peek(p);

    if (c == 'u') {
        p->pos++;
        if (unicode_escape(p, &cp) < 0) {
            return -EINVAL;
        }
        *n = put_utf8(dst, cp);
        return 0;
    }
    hit = c > 0 ? strchr(from, c) : NULL;
    if (hit == NULL) {
        return syntax_error(p, "invalid escape");
    }
    p->pos++;
    dst[0] = to[hit - from];
    *n = 1;
    return 0;
}

/* The length of the raw string starting after its opening quote, so the
 * decoded copy (never longer) can be allocated once. */
static int
string_extent(const struct parser *p, size_t *raw)
{
    size_t i = p->pos;

    while (i < p->len && p->s[i] != '"') {
        i += p->s[i] == '\\' ? 2 : 1;
    }
    if (i >= p->len) {
        return -EINVAL;
    }
    *raw = i - p->pos;
    return 0;
}

static int
decode_string(struct parser *p, char *dst, size_t *n)
{
    size_t k;

    *n = 0;
    for (int c = peek(p); c != '"'; c = peek(p)) {
        p->pos++;
        if (c < 0x20) {
            return syntax_error(p, "control character in string");
        }
        if (c != '\\') {
            dst[(*n)++] = (char)c;
            continue;
        }
        if (escape(p, dst + *n, &k) < 0) {
            return -EINVAL;
        }
        *n += k;
    }
    p->pos++;
    dst[*n] = '\0';
    return 0;
}

/* At the opening quote: a string, its escapes decoded, into a malloc'd
 * NUL-terminated buffer. */
static int
parse_string(struct parser *p, char **out, size_t *n)
{
    size_t start = p->pos, raw;
    char *dst;

    p->pos++;
    if (string_extent(p, &raw) < 0) {
        return syntax_error(p, "unterminated string");
    }
    dst = malloc(raw + 1);
    if (dst == NULL) {
        return -ENOMEM;
    }
    if (decode_string(p, dst, n) < 0) {
        free(dst);
        return -EINVAL;
    }
    if (!hm_utf8_valid(dst, *n)) {
        free(dst);
        p->pos = start;
        return syntax_error(p, "invalid UTF-8 in string");
    }
    *out = dst;
    return 0;
}

/* Integers only: the encoding has no other numbers, and refusing them is
 * simpler than deciding what 1.0 or 1e0 would mean. */
static int
parse_number(struct parser *p, struct hm_json *out)
{
    uint64_t v = 0;
    int c = peek(p);

    if (c == '0' && p->pos + 1 < p->len && p->s[p->pos + 1] >= '0' &&
        p->s[p->pos + 1] <= '9') {
        return syntax_error(p, "leading zero in number");
    }
    for (; c >= '0' && c <= '9'; c = peek(p)) {
        v = v * 10 + (uint64_t)(c - '0');
        if (v > UINT32_MAX) {
            return syntax_error(p, "number too large");
        }
        p->pos++;
    }
    if (c == '.' || c == 'e' || c == 'E') {
        return syntax_error(p, "unsupported number");
    }
    out->type = HM_JSON_NUMBER;
    out->u.number = (unsigned long)v;
    return 0;
}

static int
parse_literal(struct parser *p, struct hm_json *out)
{
    static const char *const words[] = {"null", "false", "true"};

    for (int i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);

        if (p->len - p->pos >= n && !memcmp(p->s + p->pos, words[i], n)) {
            p->pos += n;
            out->type = i == 0 ? HM_JSON_NULL : HM_JSON_BOOL;
            out->u.boolean = i == 2;
            return 0;
        }
    }
    return syntax_error(p, "unexpected character");
}

/* After an item of an array or object: ',' continues, close ends. */
static int
next_item(struct parser *p, int close, const char *why, int *more)
{
    *more = 0;
    skip_space(p);
    if (peek(p) == ',') {
        p->pos++;
        *more = 1;
        return 0;
    }
    if (peek(p) == close) {
        p->pos++;
        return 0;
    }
    return syntax_error(p, peek(p) < 0 ? "unexpected end of input" : why);
}

/* At '[' or '{': 1 when the container is empty (and consumed). */
static int
open_container(struct parser *p, int close, int depth)
{
    if (depth > HM_JSON_MAX_DEPTH) {
        return syntax_error(p, "nesting deeper than 16");
    }
    p->pos++;
    skip_space(p);
    if (peek(p) == close) {
        p->pos++;
        return 1;
    }
    return 0;
}

static int
parse_array(struct parser *p, struct hm_json *out, int depth)
{
    size_t cap = 0;
    int rc = open_container(p, ']', depth), more = rc == 0;

    out->type = HM_JSON_ARRAY;
    out->n = 0;
    out->u.items = NULL;
    while (more) {
        struct hm_json *items =
            grow(out->u.items, &cap, out->n, sizeof(struct hm_json));

        if (items == NULL) {
            rc = -ENOMEM;
            break;
        }
        out->u.items = items;
        rc = parse_value(p, &items[out->n], depth);
        if (rc < 0) {
            hm_json_free(&items[out->n]);
            break;
        }
        out->n++;
        rc = next_item(p, ']', "expected ',' or ']'", &more);
    }
    return rc < 0 ? rc : 0;
}

static int
parse_member(struct parser *p, struct hm_json_member *m, int depth)
{
    int rc;

    m->value.type = HM_JSON_NULL;
    m->value.n = 0;
    skip_space(p);
    if (peek(p) != '"') {
        return syntax_error(p, peek(p) < 0 ? "unexpected end of input"
                                           : "expected a string key");
    }
    rc = parse_string(p, &m->key, &m->klen);
    if (rc < 0) {
        return rc;
    }
    skip_space(p);
    if (peek(p) != ':') {
        rc = syntax_error(p, "expected ':'");
    } else {
        p->pos++;
        rc = parse_value(p, &m->value, depth);
    }
    if (rc < 0) {
        free(m->key);
        hm_json_free(&m->value);
    }
    return rc;
}

static int
parse_object(struct parser *p, struct hm_json *out, int depth)
{
    size_t cap = 0;
    int rc = open_container(p, '}', depth), more = rc == 0;

    out->type = HM_JSON_OBJECT;
    out->n = 0;
    out->u.members = NULL;
    while (more) {
        struct hm_json_member *members =
            grow(out->u.members, &cap, out->n, sizeof(struct hm_json_member));

        if (members == NULL) {
            rc = -ENOMEM;
            break;
        }
        out->u.members = members;
        rc = parse_member(p, &members[out->n], depth);
        if (rc < 0) {
            break;
        }
        out->n++;
        rc = next_item(p, '}', "expected ',' or '}'", &more);
    }
    return rc < 0 ? rc : 0;
}

/* Parses one value into *out.  On failure *out is still freeable. */
static int
parse_value(struct parser *p, struct hm_json *out, int depth)
{
    int c;

    out->type = HM_JSON_NULL;
    out->n = 0;
    skip_space(p);
    c = peek(p);
    if (c < 0) {
        return syntax_error(p, "unexpected end of input");
    }
    if (c == '{') {
        return parse_object(p, out, depth + 1);
    }
    if (c == '[') {
        return parse_array(p, out, depth + 1);
    }
    if (c == '"') {
        int rc = parse_string(p, &out->u.string, &out->n);

        out->type = rc == 0 ? HM_JSON_STRING : HM_JSON_NULL;
        return rc;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        return c == '-' ? syntax_error(p, "unsupported number")
                        : parse_number(p, out);
    }
    return parse_literal(p, out);
}

int
hm_json_parse(const char *s, size_t len, struct hm_json *out, char *err,
              size_t errlen)
{
    struct parser p = {(const unsigned char *)s, len, 0, NULL};
    int rc;

    if (errlen > 0) {
        err[0] = '\0';
    }
    rc = parse_value(&p, out, 0);
    if (rc == 0) {
        skip_space(&p);
        if (p.pos < p.len) {
            rc = syntax_error(&p, "trailing data");
        }
    }
    if (rc == 0) {
        return 0;
    }
    hm_json_free(out);
    if (rc == -ENOMEM) {
        snprintf(err, errlen, "out of memory");
    } else {
        snprintf(err, errlen, "invalid JSON at byte %zu: %s", p.pos, p.why);
    }
    return rc;
}

void
hm_json_free(struct hm_json *v)
{
    if (v->type == HM_JSON_STRING) {
        free(v->u.string);
    } else if (v->type == HM_JSON_ARRAY) {
        for (size_t i = 0; i < v->n; i++) {
            hm_json_free(&v->u.items[i]);
        }
        free(v->u.items);
    } else if (v->type == HM_JSON_OBJECT) {
        for (size_t i = 0; i < v->n; i++) {
            free(v->u.members[i].key);
            hm_json_free(&v->u.members[i].value);
        }
        free(v->u.members);
    }
    v->type = HM_JSON_NULL;
    v->n = 0;
}

const struct hm_json *
hm_json_get(const struct hm_json *v, const char *key)
{
    size_t klen = strlen(key);

    if (v->type != HM_JSON_OBJECT) {
        return NULL;
    }
    for (size_t i = 0; i < v->n; i++) {
        const struct hm_json_member *m = &v->u.members[i];

        if (m->klen == klen && !memcmp(m->key, key, klen)) {
            return &m->value;
        }
    }
    return NULL;
}

void
hm_buf_init(struct hm_buf *b)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = 0;
}

void
hm_buf_add(struct hm_buf *b, const char *s, size_t n)
{
    char *p;

    if (b->failed || n == 0) {
        return;
    }
    if (n >= SIZE_MAX - b->len) {
        b->failed = 1;
        return;
    }
    p = grow(b->p, &b->cap, b->len + n, 1);
    if (p == NULL) {
        b->failed = 1;
        return;
    }
    b->p = p;
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

void
hm_buf_adds(struct hm_buf *b, const char *s)
{
    hm_buf_add(b, s, strlen(s));
}

void
hm_json_add_string(struct hm_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t done = 0;

    hm_buf_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[6] = {'\\', (char)c, '0', '0', hex[c >> 4], hex[c & 15]};
        size_t elen = 2;

        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        if (c == '\n' || c == '\r' || c == '\t') {
            esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        } else if (c < 0x20) {
            esc[1] = 'u';
            elen = 6;
        }
        hm_buf_add(b, s + done, i - done);
        hm_buf_add(b, esc, elen);
        done = i + 1;
    }
    hm_buf_add(b, s + done, n - done);
    hm_buf_add(b, "\"", 1);
}

char *
hm_buf_take(struct hm_buf *b)
{
    char *p;

    hm_buf_add(b, "", 1);
    if (b->failed) {
        hm_buf_free(b);
        return NULL;
    }
    p = b->p;
    hm_buf_init(b);
    return p;
}

void
hm_buf_free(struct hm_buf *b)
{
    free(b->p);
    hm_buf_init(b);
}
