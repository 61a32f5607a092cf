/*
 * fuzz_netmatch.c: address and CIDR parsing, formatting and name matching
 * on arbitrary bytes.
 *
 * The first byte picks a split point: the input is read as "name" and
 * "domain" for the matcher, and whole as an address and a CIDR.  With
 * glibc, the IPv4 and IPv6 parsers are also compared with inet_aton and
 * inet_pton, whose meaning they must reproduce.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __GLIBC__
#include <arpa/inet.h>
#endif

#include "netmatch.h"

static void
check_addr(const char *s, size_t len)
{
    struct hm_addr a, back;
    struct hm_cidr c;
    char text[64];
    size_t n;

    if (hm_addr_parse(s, len, &a) != 0) {
        return;
    }
    n = hm_addr_format(&a, text, sizeof(text));
    if (n == 0 || n != strlen(text) || hm_addr_parse(text, n, &back) != 0 ||
        memcmp(&a, &back, sizeof(a))) {
        abort();
    }
    /* An address is in its own host range. */
    if (hm_cidr_parse(text, n, &c) != 0 || !hm_cidr_contains(&c, &a)) {
        abort();
    }
    hm_addr_is_metadata(&a);
    if (hm_addr_is_loopback_bind(&a) && !hm_addr_is_loopback_peer(&a)) {
        abort();
    }
}

static void
check_cidr(const char *s, size_t len)
{
    struct hm_cidr c, back;
    char text[64];
    size_t n;

    if (hm_cidr_parse(s, len, &c) != 0) {
        return;
    }
    n = hm_cidr_format(&c, text, sizeof(text));
    if (hm_cidr_parse(text, n, &back) != 0 || memcmp(&c, &back, sizeof(c)) ||
        !hm_cidr_contains(&c, &c.addr)) {
        abort();
    }
}

static void
check_names(const char *name, size_t len, const char *dom, size_t dlen)
{
    char norm[300];

    hm_name_is_loopback(name, len);
    hm_name_is_metadata(name, len);
    if (dlen >= sizeof(norm) ||
        hm_domain_normalize(dom, dlen, norm, sizeof(norm)) != 0) {
        return;
    }
    /* A domain matches itself however it is spelled. */
    if (!hm_name_matches(dom, dlen, norm)) {
        abort();
    }
    hm_name_matches(name, len, norm);
}

#ifdef __GLIBC__
static int
has_space(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
            return 1;
        }
    }
    return 0;
}

/* Our reading must be glibc's: inet_aton on the whole string (which it
 * is when there is no white space), else inet_pton for IPv6. */
static void
check_libc(const char *s, size_t len)
{
    char z[256];
    struct in_addr v4;
    unsigned char v6[16];
    struct hm_addr a;
    int ours, theirs;

    if (len == 0 || len >= sizeof(z) || memchr(s, '\0', len) ||
        memchr(s, '%', len) || has_space(s, len)) {
        return;
    }
    memcpy(z, s, len);
    z[len] = '\0';
    ours = hm_addr_parse(s, len, &a) == 0;
    theirs = inet_aton(z, &v4) || inet_pton(AF_INET6, z, v6) == 1;
    if (ours != theirs) {
        abort();
    }
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t split;

    check_addr(s, size);
    check_cidr(s, size);
#ifdef __GLIBC__
    check_libc(s, size);
#endif
    if (size == 0) {
        return 0;
    }
    split = data[0] % size;
    check_names(s + 1, split, s + 1 + split, size - 1 - split);
    return 0;
}
