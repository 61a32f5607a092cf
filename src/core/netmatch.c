/*
 * netmatch.c: numeric addresses, CIDR ranges and names (see netmatch.h).
 *
 * The address parsers follow glibc, because glibc decides what a string
 * means when CPython hands it to getaddrinfo or connect: inet_aton on the
 * whole string for IPv4 (what getaddrinfo accepts as numeric), inet_pton
 * for IPv6.  Anything we call numeric here is never sent to a resolver.
 */
#include "netmatch.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define V4_MAPPED_PREFIX 12

static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0,    0,
                                            0, 0, 0, 0, 0xff, 0xff};

static int
hex_value(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c |= 0x20;
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

static int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int
same_ci(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i])) {
            return 0;
        }
    }
    return 1;
}

/*
 * One part of an inet_aton address at s[*pos]: what strtoul(..., 0)
 * reads there (0x hex, 0 octal, else decimal), which must start with a
 * digit.  Values above 32 bits are rejected, as glibc does.
 */
static int
v4_part(const char *s, size_t len, size_t *pos, uint32_t *val)
{
    size_t i = *pos;
    unsigned base = 10;
    uint64_t v = 0;

    if (i >= len || !is_digit(s[i])) {
        return -EINVAL;
    }
    if (s[i] == '0') {
        base = 8;
        if (i + 1 < len && (s[i + 1] | 0x20) == 'x') {
            /* "0x" without a hex digit reads as 0 followed by 'x', which
             * is trailing garbage: an error either way. */
            base = 16;
            i += 2;
        }
    }
    for (; i < len; i++) {
        int d = hex_value((unsigned char)s[i]);

        if (d < 0 || (unsigned)d >= base) {
            break;
        }
        v = v * base + (unsigned)d;
        if (v > UINT32_MAX) {
            return -EINVAL;
        }
    }
    if (base == 16 && i == *pos + 2) {
        return -EINVAL;
    }
    *pos = i;
    *val = (uint32_t)v;
    return 0;
}

/* inet_aton on the whole string: a.b.c.d, a.b.c (c 16 bits), a.b (b 24
 * bits) or a (32 bits). */
static int
parse_v4(const char *s, size_t len, unsigned char out[4])
{
    static const uint32_t last_max[4] = {UINT32_MAX, 0xffffff, 0xffff, 0xff};
    uint32_t word = 0, val;
    size_t n = 0, pos = 0;

    for (;;) {
        if (v4_part(s, len, &pos, &val) < 0) {
            return -EINVAL;
        }
        if (pos == len) {
            break;
        }
        if (s[pos] != '.' || n == 3 || val > 0xff) {
            return -EINVAL;
        }
        word |= val << (24 - 8 * n);
        n++;
        pos++;
    }
    if (val > last_max[n]) {
        return -EINVAL;
    }
    word |= val;
    for (int i = 0; i < 4; i++) {
        out[i] = (unsigned char)(word >> (24 - 8 * i));
    }
    return 0;
}

/* inet_pton(AF_INET): exactly four decimal octets, no leading zeros. */
static int
parse_dotted_quad(const char *s, size_t len, unsigned char out[4])
{
    unsigned char tmp[4] = {0};
    size_t octets = 0;
    int saw_digit = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned v;

        if (s[i] == '.' && saw_digit && octets < 4) {
            saw_digit = 0;
            continue;
        }
        if (!is_digit(s[i]) || (saw_digit && tmp[octets - 1] == 0)) {
            return -EINVAL;
        }
        if (!saw_digit) {
            octets++;
            saw_digit = 1;
        }
        v = tmp[octets - 1] * 10u + (unsigned)(s[i] - '0');
        if (v > 255) {
            return -EINVAL;
        }
        tmp[octets - 1] = (unsigned char)v;
    }
    if (octets < 4 || !saw_digit) {
        return -EINVAL;
    }
    memcpy(out, tmp, 4);
    return 0;
}

struct v6_state {
    unsigned char tmp[16];
    size_t tp;     /* bytes written to tmp */
    size_t colonp; /* where "::" stands, or SIZE_MAX */
};

/* Expands "::" to the zero groups it stands for; it must stand for at
 * least one, as glibc requires. */
static int
v6_expand(struct v6_state *st)
{
    size_t n;

    if (st->colonp == SIZE_MAX) {
        return st->tp == 16 ? 0 : -EINVAL;
    }
    if (st->tp == 16) {
        return -EINVAL;
    }
    n = st->tp - st->colonp;
    memmove(st->tmp + 16 - n, st->tmp + st->colonp, n);
    memset(st->tmp + st->colonp, 0, 16 - n - st->colonp);
    st->tp = 16;
    return 0;
}

static int
v6_put_group(struct v6_state *st, unsigned val)
{
    if (st->tp + 2 > 16) {
        return -EINVAL;
    }
    st->tmp[st->tp++] = (unsigned char)(val >> 8);
    st->tmp[st->tp++] = (unsigned char)val;
    return 0;
}

/* The ':' at s[i - 1]: either the "::" or the end of a group. */
static int
v6_colon(struct v6_state *st, size_t i, size_t len, int *digits, unsigned *val)
{
    if (*digits == 0) {
        if (st->colonp != SIZE_MAX) {
            return -EINVAL;
        }
        st->colonp = st->tp;
        return 0;
    }
    if (i == len || v6_put_group(st, *val) < 0) {
        return -EINVAL;
    }
    *digits = 0;
    *val = 0;
    return 0;
}

/* inet_pton(AF_INET6), glibc's algorithm. */
static int
parse_v6(const char *s, size_t len, unsigned char out[16])
{
    struct v6_state st = {{0}, 0, SIZE_MAX};
    size_t i = 0, curtok;
    unsigned val = 0;
    int digits = 0;

    if (len == 0 || (s[0] == ':' && (len < 2 || s[1] != ':'))) {
        return -EINVAL;
    }
    i = s[0] == ':' ? 1 : 0;
    curtok = i;
    while (i < len) {
        char c = s[i++];
        int d = hex_value((unsigned char)c);

        if (d >= 0) {
            if (++digits > 4) {
                return -EINVAL;
            }
            val = val << 4 | (unsigned)d;
        } else if (c == ':') {
            curtok = i;
            if (v6_colon(&st, i, len, &digits, &val) < 0) {
                return -EINVAL;
            }
        } else if (c == '.' && st.tp + 4 <= 16 &&
                   parse_dotted_quad(s + curtok, len - curtok,
                                     st.tmp + st.tp) == 0) {
            st.tp += 4;
            digits = 0;
            break;
        } else {
            return -EINVAL;
        }
    }
    if ((digits > 0 && v6_put_group(&st, val) < 0) || v6_expand(&st) < 0) {
        return -EINVAL;
    }
    memcpy(out, st.tmp, 16);
    return 0;
}

static void
set_v4(struct hm_addr *a, const unsigned char b[4])
{
    memset(a, 0, sizeof(*a));
    a->family = HM_AF_INET;
    memcpy(a->b, b, 4);
}

static void
set_v6(struct hm_addr *a, const unsigned char b[16])
{
    if (!memcmp(b, v4_mapped, V4_MAPPED_PREFIX)) {
        set_v4(a, b + V4_MAPPED_PREFIX);
        return;
    }
    memset(a, 0, sizeof(*a));
    a->family = HM_AF_INET6;
    memcpy(a->b, b, 16);
}

/* IPv6 with an optional "%scope".  glibc resolves the scope itself and
 * never asks DNS, so any non-empty scope leaves the string numeric. */
static int
parse_v6_scoped(const char *s, size_t len, unsigned char out[16])
{
    const char *pct = memchr(s, '%', len);

    if (pct != NULL) {
        if ((size_t)(pct - s) + 1 == len) {
            return -EINVAL;
        }
        len = (size_t)(pct - s);
    }
    return parse_v6(s, len, out);
}

int
hm_addr_parse(const char *s, size_t len, struct hm_addr *out)
{
    unsigned char b[16];

    memset(out, 0, sizeof(*out));
    if (len == 0) {
        out->family = HM_AF_INET;
        return 0;
    }
    if (memchr(s, '\0', len) != NULL) {
        return -EINVAL;
    }
    if (parse_v4(s, len, b) == 0) {
        set_v4(out, b);
        return 0;
    }
    if (parse_v6_scoped(s, len, b) == 0) {
        set_v6(out, b);
        return 0;
    }
    return -EINVAL;
}

/* The longest run of two or more zero groups, leftmost on a tie
 * (RFC 5952); *start = 8 when there is none. */
static void
longest_zero_run(const unsigned g[8], int *start, int *n)
{
    *start = 8;
    *n = 1;
    for (int i = 0; i < 8;) {
        int j = i;

        while (j < 8 && g[j] == 0) {
            j++;
        }
        if (j - i > *n) {
            *start = i;
            *n = j - i;
        }
        i = j > i ? j : i + 1;
    }
}

/* RFC 5952 text, no embedded dotted quad; dst holds at least 40 bytes. */
static size_t
format_v6(const unsigned char *b, char *dst, size_t cap)
{
    unsigned g[8];
    int start, n;
    size_t len = 0;

    for (int i = 0; i < 8; i++) {
        g[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
    }
    longest_zero_run(g, &start, &n);
    for (int i = 0; i < 8; i++) {
        if (i == start) {
            memcpy(dst + len, "::", 2);
            len += 2;
            i += n - 1;
            continue;
        }
        if (i > 0 && i != start + n) {
            dst[len++] = ':';
        }
        len += (size_t)snprintf(dst + len, cap - len, "%x", g[i]);
    }
    return len;
}

size_t
hm_addr_format(const struct hm_addr *a, char *dst, size_t cap)
{
    char text[64] = "";
    size_t len = 0;

    if (a->family == HM_AF_INET) {
        len = (size_t)snprintf(text, sizeof(text), "%u.%u.%u.%u", a->b[0],
                               a->b[1], a->b[2], a->b[3]);
    } else if (a->family == HM_AF_INET6) {
        len = format_v6(a->b, text, sizeof(text));
    }
    if (cap == 0) {
        return 0;
    }
    if (len >= cap) {
        len = cap - 1;
    }
    memcpy(dst, text, len);
    dst[len] = '\0';
    return len;
}

size_t
hm_cidr_format(const struct hm_cidr *c, char *dst, size_t cap)
{
    char text[80];
    size_t len = hm_addr_format(&c->addr, text, 64);

    len += (size_t)snprintf(text + len, sizeof(text) - len, "/%u", c->prefix);
    if (cap == 0) {
        return 0;
    }
    if (len >= cap) {
        len = cap - 1;
    }
    memcpy(dst, text, len);
    dst[len] = '\0';
    return len;
}

/* "PREFIX" after the slash: decimal, no sign, no leading zero. */
static int
parse_prefix(const char *s, size_t len, unsigned max, unsigned *out)
{
    unsigned v = 0;

    if (len == 0 || len > 3 || (s[0] == '0' && len > 1)) {
        return -EINVAL;
    }
    for (size_t i = 0; i < len; i++) {
        if (!is_digit(s[i])) {
            return -EINVAL;
        }
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > max) {
        return -EINVAL;
    }
    *out = v;
    return 0;
}

static int
host_bits_clear(const unsigned char *b, unsigned bytes, unsigned prefix)
{
    for (unsigned bit = prefix; bit < bytes * 8; bit++) {
        if (b[bit / 8] & (0x80 >> (bit % 8))) {
            return 0;
        }
    }
    return 1;
}

static int
prefix_equal(const unsigned char *x, const unsigned char *y, unsigned prefix)
{
    unsigned whole = prefix / 8, rest = prefix % 8;
    unsigned char mask = (unsigned char)(0xff00 >> rest);

    if (memcmp(x, y, whole) != 0) {
        return 0;
    }
    return rest == 0 || ((x[whole] ^ y[whole]) & mask) == 0;
}

/*
 * The address of a CIDR: no wildcard "", no scope (an allowance that
 * ignored its scope would read wider than it is).  A v4-mapped range is
 * kept in IPv6 form here so its prefix is checked against 128 bits.
 */
static int
cidr_addr(const char *s, size_t len, unsigned char b[16], unsigned *bytes)
{
    if (len == 0 || memchr(s, '\0', len) != NULL) {
        return -EINVAL;
    }
    if (parse_v4(s, len, b) == 0) {
        *bytes = 4;
        return 0;
    }
    *bytes = 16;
    return parse_v6(s, len, b);
}

int
hm_cidr_parse(const char *s, size_t len, struct hm_cidr *out)
{
    const char *slash = len ? memchr(s, '/', len) : NULL;
    size_t alen = slash ? (size_t)(slash - s) : len;
    unsigned char b[16];
    unsigned bytes, prefix;

    memset(out, 0, sizeof(*out));
    if (cidr_addr(s, alen, b, &bytes) < 0) {
        return -EINVAL;
    }
    prefix = bytes * 8;
    if (slash != NULL &&
        parse_prefix(slash + 1, len - alen - 1, bytes * 8, &prefix) < 0) {
        return -EINVAL;
    }
    if (!host_bits_clear(b, bytes, prefix)) {
        return -EINVAL;
    }
    if (bytes == 4) {
        set_v4(&out->addr, b);
    } else {
        set_v6(&out->addr, b);
    }
    /* A mapped range with clear host bits has a prefix of at least 96. */
    out->prefix =
        out->addr.family == HM_AF_INET && bytes == 16 ? prefix - 96 : prefix;
    return 0;
}

int
hm_cidr_contains(const struct hm_cidr *c, const struct hm_addr *a)
{
    unsigned char mapped[16];

    if (c->addr.family == HM_AF_INET && a->family == HM_AF_INET) {
        return c->prefix <= 32 && prefix_equal(c->addr.b, a->b, c->prefix);
    }
    if (c->addr.family != HM_AF_INET6 || c->prefix > 128) {
        return 0;
    }
    if (a->family == HM_AF_INET6) {
        return prefix_equal(c->addr.b, a->b, c->prefix);
    }
    if (a->family != HM_AF_INET) {
        return 0;
    }
    /* IPv4 is stored unmapped, yet ::/0 covers ::ffff:0:0/96 too. */
    memcpy(mapped, v4_mapped, V4_MAPPED_PREFIX);
    memcpy(mapped + V4_MAPPED_PREFIX, a->b, 4);
    return prefix_equal(c->addr.b, mapped, c->prefix);
}

static int
is_v6(const struct hm_addr *a, const unsigned char *b16)
{
    return a->family == HM_AF_INET6 && !memcmp(a->b, b16, 16);
}

int
hm_addr_is_loopback_bind(const struct hm_addr *a)
{
    static const unsigned char one[16] = {[15] = 1};

    return (a->family == HM_AF_INET && a->b[0] == 127) || is_v6(a, one);
}

int
hm_addr_is_loopback_peer(const struct hm_addr *a)
{
    static const unsigned char any[4];
    static const unsigned char any6[16];

    return hm_addr_is_loopback_bind(a) ||
           (a->family == HM_AF_INET && !memcmp(a->b, any, 4)) ||
           is_v6(a, any6);
}

static int
v4_is_metadata(const unsigned char *b)
{
    static const unsigned char list[][4] = {
        {169, 254, 169, 254},
        {169, 254, 170, 2},
        {169, 254, 170, 23},
        {100, 100, 100, 200},
    };

    for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
        if (!memcmp(b, list[i], 4)) {
            return 1;
        }
    }
    return 0;
}

/*
 * Where an IPv6 address carries an IPv4 one that the network may deliver
 * to: IPv4-compatible ::a.b.c.d, SIIT ::ffff:0:a.b.c.d, NAT64
 * 64:ff9b::/96, 6to4 2002:AABB:CCDD::/48.  NULL when it carries none.
 */
static const unsigned char *
v6_embedded_v4(const unsigned char *b)
{
    static const unsigned char zero[12];
    static const unsigned char siit[12] = {[8] = 0xff, [9] = 0xff};
    static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b};

    if (!memcmp(b, zero, 12) || !memcmp(b, siit, 12) ||
        !memcmp(b, nat64, 12)) {
        return b + 12;
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
        return b + 2;
    }
    return NULL;
}

/*
 * The local-use NAT64 prefix 64:ff9b:1::/48 may be used at any length
 * from /48 to /96, and RFC 6052 places the IPv4 address differently for
 * each (skipping bits 64-71).  1 when any of those places holds a
 * metadata address.
 */
static int
v6_local_nat64_is_metadata(const unsigned char *b)
{
    static const unsigned char prefix[6] = {0, 0x64, 0xff, 0x9b, 0, 1};
    static const unsigned char at[][4] = {
        {6, 7, 9, 10},    /* /48 */
        {7, 9, 10, 11},   /* /56 */
        {9, 10, 11, 12},  /* /64 */
        {12, 13, 14, 15}, /* /96 */
    };

    if (memcmp(b, prefix, 6) != 0) {
        return 0;
    }
    for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        unsigned char v4[4] = {b[at[i][0]], b[at[i][1]], b[at[i][2]],
                               b[at[i][3]]};

        if (v4_is_metadata(v4)) {
            return 1;
        }
    }
    return 0;
}

int
hm_addr_is_metadata(const struct hm_addr *a)
{
    static const unsigned char list[][16] = {
        {0xfd, 0, 0x0e, 0xc2, [14] = 0x02, [15] = 0x54},
        {0xfd, 0, 0x0e, 0xc2, [15] = 0x23},
        {0xfe, 0x80, [12] = 0xa9, 0xfe, 0xa9, 0xfe},
    };
    const unsigned char *v4;

    if (a->family == HM_AF_INET) {
        return v4_is_metadata(a->b);
    }
    if (a->family != HM_AF_INET6) {
        return 0;
    }
    for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
        if (!memcmp(a->b, list[i], 16)) {
            return 1;
        }
    }
    v4 = v6_embedded_v4(a->b);
    return (v4 != NULL && v4_is_metadata(v4)) ||
           v6_local_nat64_is_metadata(a->b);
}

/* A name as bytes: -1 when it holds a NUL, else its length without one
 * trailing dot. */
static long
name_length(const char *name, size_t len)
{
    if (name == NULL || memchr(name, '\0', len) != NULL) {
        return -1;
    }
    if (len > 0 && name[len - 1] == '.') {
        len--;
    }
    return (long)len;
}

/* 1 when name is suffix, or ends with "." suffix after a non-empty
 * label. */
static int
name_under(const char *name, size_t len, const char *suffix, size_t slen)
{
    long n = name_length(name, len);

    if (n < 0 || slen == 0) {
        return 0;
    }
    if ((size_t)n == slen) {
        return same_ci(name, suffix, slen);
    }
    return (size_t)n > slen + 1 && name[n - (long)slen - 1] == '.' &&
           same_ci(name + n - slen, suffix, slen);
}

static int
name_is(const char *name, size_t len, const char *word)
{
    long n = name_length(name, len);

    return n >= 0 && (size_t)n == strlen(word) &&
           same_ci(name, word, (size_t)n);
}

int
hm_name_is_loopback(const char *name, size_t len)
{
    return name_under(name, len, "localhost", 9);
}

int
hm_name_is_metadata(const char *name, size_t len)
{
    return name_is(name, len, "metadata") ||
           name_is(name, len, "metadata.google.internal");
}

int
hm_name_matches(const char *name, size_t len, const char *domain)
{
    size_t dlen;

    if (domain == NULL) {
        return 0;
    }
    dlen = strlen(domain);
    if (dlen > 0 && domain[dlen - 1] == '.') {
        dlen--;
    }
    return name_under(name, len, domain, dlen);
}

static int
label_byte(int c)
{
    c = lower(c);
    return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_';
}

int
hm_domain_normalize(const char *s, size_t len, char *dst, size_t cap)
{
    long n = name_length(s, len);
    size_t label = 0;

    if (n <= 0 || n > 253 || cap < (size_t)n + 1) {
        return -EINVAL;
    }
    for (long i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (label == 0) {
                return -EINVAL;
            }
            label = 0;
        } else if (!label_byte((unsigned char)s[i]) || ++label > 63) {
            return -EINVAL;
        }
        dst[i] = (char)lower((unsigned char)s[i]);
    }
    if (label == 0) {
        return -EINVAL;
    }
    dst[n] = '\0';
    return 0;
}
