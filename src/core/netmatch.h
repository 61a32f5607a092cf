/*
 * netmatch.h: numeric addresses, CIDR ranges and host names, judged the
 * way the network guard needs (SPEC section 3, "Network").
 *
 * Pure C: no CPython, no system calls, no resolver.  Every function is
 * total on arbitrary input (fuzzed).
 */
#ifndef HERMETIC_NETMATCH_H
#define HERMETIC_NETMATCH_H

#include <stddef.h>

enum hm_family { HM_AF_NONE = 0, HM_AF_INET = 4, HM_AF_INET6 = 6 };

/* An address.  IPv4 in b[0..3].  An IPv4-mapped IPv6 address is stored
 * as IPv4 after parsing, so every comparison sees one spelling. */
struct hm_addr {
    enum hm_family family;
    unsigned char b[16];
};

struct hm_cidr {
    struct hm_addr addr; /* host bits cleared */
    unsigned prefix;     /* 0..32 or 0..128 */
};

/*
 * Parses a numeric host: every IPv4 spelling the C library's inet_aton
 * accepts as a whole string (1 to 4 parts, decimal, octal with a leading
 * 0, hex with 0x), and IPv6 (with an optional %scope, which is ignored,
 * and an embedded dotted quad).  "" is the wildcard 0.0.0.0, as CPython
 * treats it.  Returns 0, or -EINVAL when s is not numeric (a name).
 */
int hm_addr_parse(const char *s, size_t len, struct hm_addr *out);

/* Formats a for messages ("10.0.0.1", "fd00:ec2::254").  Returns the
 * length written (NUL not counted); cap of 64 is always enough. */
size_t hm_addr_format(const struct hm_addr *a, char *dst, size_t cap);

/* Formats c as "ADDR/PREFIX", the form hm_cidr_parse reads back.  Returns
 * the length written (NUL not counted); cap of 64 is always enough. */
size_t hm_cidr_format(const struct hm_cidr *c, char *dst, size_t cap);

/* Parses "ADDR" or "ADDR/PREFIX".  -EINVAL when malformed, including
 * host bits set beyond the prefix ("10.0.0.1/8"), an empty ADDR and a
 * %scope.  A v4-mapped range (::ffff:10.0.0.0/104) is stored as IPv4
 * (10.0.0.0/8), like addresses. */
int hm_cidr_parse(const char *s, size_t len, struct hm_cidr *out);

/* 1 when a is in c.  An IPv6 range holds an IPv4 address when it holds
 * the address's v4-mapped form (::/0 holds every address). */
int hm_cidr_contains(const struct hm_cidr *c, const struct hm_addr *a);

/* Loopback as a peer: 127.0.0.0/8, ::1, ::ffff:127.0.0.0/104, and the
 * wildcards 0.0.0.0 and :: (they reach local services). */
int hm_addr_is_loopback_peer(const struct hm_addr *a);

/* Loopback as a bind address: as above without the wildcards. */
int hm_addr_is_loopback_bind(const struct hm_addr *a);

/* A cloud metadata endpoint, however spelled (SPEC section 3), also
 * through NAT64 (64:ff9b::/96), 6to4 and IPv4-compatible forms. */
int hm_addr_is_metadata(const struct hm_addr *a);

/* "localhost" and names under ".localhost", any case, one end dot. */
int hm_name_is_loopback(const char *name, size_t len);

/* "metadata.google.internal" and "metadata", any case, one end dot. */
int hm_name_is_metadata(const char *name, size_t len);

/*
 * 1 when name is domain or under it, at a dot boundary, ignoring case and
 * one trailing dot on either.  domain is normalised (hm_domain_normalize).
 */
int hm_name_matches(const char *name, size_t len, const char *domain);

/*
 * Checks a domain given to --allow-domain and writes its normal form
 * (lower case, no trailing dot) into dst (cap >= len + 1).  Accepts
 * labels of letters, digits, '-' and '_', 1 to 63 bytes, 253 in all.
 * Returns 0 or -EINVAL.
 */
int hm_domain_normalize(const char *s, size_t len, char *dst, size_t cap);

#endif
