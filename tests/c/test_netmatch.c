/*
 * test_netmatch.c: address, CIDR and name matching (netmatch.h).
 */
#include <errno.h>
#include <string.h>

#include "netmatch.h"
#include "tap.h"
#include "trace.h"

/* Length -1 in a row means strlen. */
#define Z (-1)

static size_t
row_len(const char *s, int len)
{
    return len < 0 ? strlen(s) : (size_t)len;
}

/* s shown on one line, for test names. */
static const char *
show(const char *s, size_t len)
{
    static char buf[2][512];
    static int which;
    char *out = buf[which ^= 1];
    size_t n = hm_quote(out, sizeof(buf[0]) - 1, s, len);

    out[n < sizeof(buf[0]) ? n : sizeof(buf[0]) - 1] = '\0';
    return out;
}

struct addr_row {
    const char *in;
    int len;
    const char *want; /* formatted; NULL: not numeric */
};

static const struct addr_row addr_rows[] = {
    /* Every spelling of 127.0.0.1 inet_aton accepts. */
    {"127.0.0.1", Z, "127.0.0.1"},
    {"127.1", Z, "127.0.0.1"},
    {"127.0.1", Z, "127.0.0.1"},
    {"2130706433", Z, "127.0.0.1"},
    {"0x7f000001", Z, "127.0.0.1"},
    {"0X7F000001", Z, "127.0.0.1"},
    {"017700000001", Z, "127.0.0.1"},
    {"0177.0.0.1", Z, "127.0.0.1"},
    {"0x7f.1", Z, "127.0.0.1"},
    {"0x7f.0x0.0x0.0x1", Z, "127.0.0.1"},
    {"127.0.0.01", Z, "127.0.0.1"},
    {"127.00000.0x0.1", Z, "127.0.0.1"},
    {"::ffff:127.0.0.1", Z, "127.0.0.1"},
    {"::ffff:7f00:1", Z, "127.0.0.1"},
    {"0:0:0:0:0:FFFF:127.0.0.1", Z, "127.0.0.1"},
    /* And of 169.254.169.254. */
    {"169.254.169.254", Z, "169.254.169.254"},
    {"2852039166", Z, "169.254.169.254"},
    {"0xa9fea9fe", Z, "169.254.169.254"},
    {"0XA9FEA9FE", Z, "169.254.169.254"},
    {"025177524776", Z, "169.254.169.254"},
    {"0251.0376.0251.0376", Z, "169.254.169.254"},
    {"0xa9.0xfe.0xa9.0xfe", Z, "169.254.169.254"},
    {"169.254.43518", Z, "169.254.169.254"},
    {"169.16689662", Z, "169.254.169.254"},
    {"0251.0xfe.43518", Z, "169.254.169.254"},
    {"::ffff:169.254.169.254", Z, "169.254.169.254"},
    {"::ffff:a9fe:a9fe", Z, "169.254.169.254"},
    {"::FFFF:A9FE:A9FE%eth0", Z, "169.254.169.254"},
    /* Other IPv4. */
    {"", Z, "0.0.0.0"},
    {"0", Z, "0.0.0.0"},
    {"0x0", Z, "0.0.0.0"},
    {"00", Z, "0.0.0.0"},
    {"255.255.255.255", Z, "255.255.255.255"},
    {"4294967295", Z, "255.255.255.255"},
    {"0xffffffff", Z, "255.255.255.255"},
    {"037777777777", Z, "255.255.255.255"},
    {"1.2.65535", Z, "1.2.255.255"},
    {"1.16777215", Z, "1.255.255.255"},
    {"10.0.0.1", Z, "10.0.0.1"},
    /* IPv6, formatted as RFC 5952. */
    {"::", Z, "::"},
    {"::1", Z, "::1"},
    {"::0:1", Z, "::1"},
    {"1::", Z, "1::"},
    {"1:2:3:4:5:6:7:8", Z, "1:2:3:4:5:6:7:8"},
    {"::1:2:3:4:5:6:7", Z, "0:1:2:3:4:5:6:7"},
    {"1:2:3:4:5:6:7::", Z, "1:2:3:4:5:6:7:0"},
    {"1:0:0:2:0:0:0:3", Z, "1:0:0:2::3"},
    {"1:0:0:2:2:0:0:3", Z, "1::2:2:0:0:3"},
    {"0001:0002::000a", Z, "1:2::a"},
    {"FD00:EC2::254", Z, "fd00:ec2::254"},
    {"fe80::a9fe:a9fe%eth0", Z, "fe80::a9fe:a9fe"},
    {"fe80::1%1", Z, "fe80::1"},
    {"::169.254.169.254", Z, "::a9fe:a9fe"},
    {"64:ff9b::169.254.169.254", Z, "64:ff9b::a9fe:a9fe"},
    {"1:2:3:4:5:6:1.2.3.4", Z, "1:2:3:4:5:6:102:304"},
    {"::ffff:0:1.2.3.4", Z, "::ffff:0:102:304"},
    {"2002:a9fe:a9fe::", Z, "2002:a9fe:a9fe::"},
    /* Not numeric: names, or what glibc rejects. */
    {"256.0.0.1", Z, NULL},
    {"1.2.3.256", Z, NULL},
    {"1.2.65536", Z, NULL},
    {"1.16777216", Z, NULL},
    {"4294967296", Z, NULL},
    {"0x100000000", Z, NULL},
    {"0xffffffffffffffffffffffff", Z, NULL},
    {"99999999999999999999999999", Z, NULL},
    {"0400.0.0.1", Z, NULL},
    {"1.2.3.4.5", Z, NULL},
    {"1.2.3.", Z, NULL},
    {"1.2.3.4.", Z, NULL},
    {".1.2.3", Z, NULL},
    {"1..2.3", Z, NULL},
    {".", Z, NULL},
    {"08", Z, NULL},
    {"09.1.1.1", Z, NULL},
    {"0x", Z, NULL},
    {"0x.1.1.1", Z, NULL},
    {"0xg", Z, NULL},
    {"1a", Z, NULL},
    {" 1.2.3.4", Z, NULL},
    {"1.2.3.4 ", Z, NULL},
    {"1.2.3.4\n", Z, NULL},
    {"+1.2.3.4", Z, NULL},
    {"-1", Z, NULL},
    {"1.-2.3.4", Z, NULL},
    {"1.2.3.4%eth0", Z, NULL},
    {"1.2.3.4/8", Z, NULL},
    {"127.0.0.1\0", 10, NULL},
    {"127\0.0.0.1", 9, NULL},
    {"localhost", Z, NULL},
    {"example.com", Z, NULL},
    {"0.0.0.0.example.com", Z, NULL},
    {":", Z, NULL},
    {":::", Z, NULL},
    {"1:::2", Z, NULL},
    {":1::", Z, NULL},
    {"1::2:", Z, NULL},
    {"1::2::3", Z, NULL},
    {"1:2:3:4:5:6:7", Z, NULL},
    {"1:2:3:4:5:6:7:8:9", Z, NULL},
    {"1:2:3:4:5:6:7::8", Z, NULL},
    {"12345::", Z, NULL},
    {"::g", Z, NULL},
    {"fe80::1%", Z, NULL},
    {"%eth0", Z, NULL},
    {"::1.2.3", Z, NULL},
    {"::1.2.3.04", Z, NULL},
    {"::256.1.1.1", Z, NULL},
    {"::1.2.3.4.5", Z, NULL},
    {"1.2.3.4::", Z, NULL},
    {"::ffff:1.2.3.4:1", Z, NULL},
    {"::0x1.1.1.1", Z, NULL},
    {"1:2:3:4:5:6:7:1.2.3.4", Z, NULL},
    {"[::1]", Z, NULL},
    {"::1\0", 4, NULL},
};

static void
test_addr_parse(void)
{
    for (size_t i = 0; i < sizeof(addr_rows) / sizeof(addr_rows[0]); i++) {
        const struct addr_row *r = &addr_rows[i];
        size_t len = row_len(r->in, r->len);
        struct hm_addr a, back;
        char text[64];
        int rc = hm_addr_parse(r->in, len, &a);

        if (r->want == NULL) {
            TAP_OK(rc == -EINVAL, "addr %s is not numeric", show(r->in, len));
            continue;
        }
        if (!TAP_OK(rc == 0, "addr %s parses", show(r->in, len))) {
            continue;
        }
        hm_addr_format(&a, text, sizeof(text));
        TAP_STREQ(text, r->want, "addr %s formats", show(r->in, len));
        TAP_OK(hm_addr_parse(text, strlen(text), &back) == 0 &&
                   !memcmp(&a, &back, sizeof(a)),
               "addr %s round trips", text);
    }
}

static void
test_addr_format_cap(void)
{
    struct hm_addr a;
    char small[5];

    hm_addr_parse("169.254.169.254", 15, &a);
    TAP_OK(hm_addr_format(&a, small, sizeof(small)) == 4 &&
               !strcmp(small, "169."),
           "format truncates to cap and terminates");
    TAP_OK(hm_addr_format(&a, small, 0) == 0, "format with cap 0");
}

struct class_row {
    const char *in;
    int metadata;
    int peer; /* loopback as a peer */
    int bind; /* loopback as a bind address */
};

static const struct class_row class_rows[] = {
    {"169.254.169.254", 1, 0, 0},
    {"2852039166", 1, 0, 0},
    {"0xa9fea9fe", 1, 0, 0},
    {"0251.0376.0251.0376", 1, 0, 0},
    {"169.254.43518", 1, 0, 0},
    {"::ffff:169.254.169.254", 1, 0, 0},
    {"::ffff:a9fe:a9fe", 1, 0, 0},
    {"169.254.170.2", 1, 0, 0},
    {"169.254.170.23", 1, 0, 0},
    {"100.100.100.200", 1, 0, 0},
    {"::ffff:100.100.100.200", 1, 0, 0},
    {"fd00:ec2::254", 1, 0, 0},
    {"fd00:0ec2:0:0:0:0:0:0254", 1, 0, 0},
    {"fd00:ec2::23", 1, 0, 0},
    {"fe80::a9fe:a9fe", 1, 0, 0},
    {"fe80::a9fe:a9fe%eth0", 1, 0, 0},
    {"fe80::169.254.169.254", 1, 0, 0},
    {"::169.254.169.254", 1, 0, 0},
    {"::a9fe:aa02", 1, 0, 0},
    {"::ffff:0:169.254.169.254", 1, 0, 0},
    {"64:ff9b::169.254.169.254", 1, 0, 0},
    {"64:ff9b::a9fe:aa17", 1, 0, 0},
    {"64:ff9b:1::a9fe:a9fe", 1, 0, 0},
    /* local-use NAT64 at /48, /56 and /64 (RFC 6052, u-octet skipped) */
    {"64:ff9b:1:a9fe:a9:fe00::", 1, 0, 0},
    {"64:ff9b:1:a9:fe:a9fe::", 1, 0, 0},
    {"64:ff9b:1:0:a9:fea9:fe00:0", 1, 0, 0},
    {"64:ff9b:1:a9fe:a8:fe00::", 0, 0, 0},
    {"2002:a9fe:a9fe::", 1, 0, 0},
    {"2002:a9fe:aa02:1::1", 1, 0, 0},
    {"2002:6464:64c8::", 1, 0, 0},
    {"169.254.169.253", 0, 0, 0},
    {"169.254.170.3", 0, 0, 0},
    {"100.100.100.201", 0, 0, 0},
    {"fd00:ec2::255", 0, 0, 0},
    {"fd00:ec2::1:254", 0, 0, 0},
    {"fe80::a9fe:a9ff", 0, 0, 0},
    {"fe80:1::a9fe:a9fe", 0, 0, 0},
    {"64:ff9a::a9fe:a9fe", 0, 0, 0},
    {"2002:a9fe:a9fd::", 0, 0, 0},
    {"2003:a9fe:a9fe::", 0, 0, 0},
    {"127.0.0.1", 0, 1, 1},
    {"127.1", 0, 1, 1},
    {"2130706433", 0, 1, 1},
    {"127.255.255.255", 0, 1, 1},
    {"::ffff:127.0.0.1", 0, 1, 1},
    {"::ffff:127.9.8.7", 0, 1, 1},
    {"::1", 0, 1, 1},
    {"0:0:0:0:0:0:0:1", 0, 1, 1},
    {"", 0, 1, 0},
    {"0.0.0.0", 0, 1, 0},
    {"0", 0, 1, 0},
    {"::", 0, 1, 0},
    {"::ffff:0.0.0.0", 0, 1, 0},
    {"128.0.0.1", 0, 0, 0},
    {"126.255.255.255", 0, 0, 0},
    {"0.0.0.1", 0, 0, 0},
    {"::2", 0, 0, 0},
    {"::127.0.0.1", 0, 0, 0},
    {"10.0.0.1", 0, 0, 0},
    {"2001:db8::1", 0, 0, 0},
};

static void
test_addr_classes(void)
{
    for (size_t i = 0; i < sizeof(class_rows) / sizeof(class_rows[0]); i++) {
        const struct class_row *r = &class_rows[i];
        struct hm_addr a;

        if (!TAP_OK(hm_addr_parse(r->in, strlen(r->in), &a) == 0,
                    "class row %s parses", show(r->in, strlen(r->in)))) {
            continue;
        }
        TAP_OK(hm_addr_is_metadata(&a) == r->metadata, "metadata(%s) == %d",
               r->in, r->metadata);
        TAP_OK(hm_addr_is_loopback_peer(&a) == r->peer,
               "loopback_peer(%s) == %d", r->in, r->peer);
        TAP_OK(hm_addr_is_loopback_bind(&a) == r->bind,
               "loopback_bind(%s) == %d", r->in, r->bind);
    }
}

struct cidr_row {
    const char *in;
    const char *want; /* formatted; NULL: invalid */
};

static const struct cidr_row cidr_rows[] = {
    {"10.0.0.0/8", "10.0.0.0/8"},
    {"10.0.0.1", "10.0.0.1/32"},
    {"10.0.0.1/32", "10.0.0.1/32"},
    {"0.0.0.0/0", "0.0.0.0/0"},
    {"0xa000000/8", "10.0.0.0/8"},
    {"::/0", "::/0"},
    {"::1", "::1/128"},
    {"2001:db8::/32", "2001:db8::/32"},
    {"2001:DB8:0:0::/64", "2001:db8::/64"},
    {"::ffff:10.0.0.0/104", "10.0.0.0/8"},
    {"::ffff:a00:0/104", "10.0.0.0/8"},
    {"::ffff:0:0/96", "0.0.0.0/0"},
    {"::ffff:10.1.2.3", "10.1.2.3/32"},
    {"172.16.0.0/12", "172.16.0.0/12"},
    {"10.0.0.1/8", NULL},
    {"10.0.0.0/7", "10.0.0.0/7"},
    {"11.0.0.0/7", NULL},
    {"2001:db8::1/32", NULL},
    {"::ffff:0:0/95", NULL},
    {"::ffff:10.0.0.0/103", "10.0.0.0/7"},
    {"::ffff:11.0.0.0/103", NULL},
    {"10/8", NULL},
    {"10.0.0.0/33", NULL},
    {"::/129", NULL},
    {"10.0.0.0/", NULL},
    {"/8", NULL},
    {"/", NULL},
    {"", NULL},
    {"10.0.0.0/08", NULL},
    {"10.0.0.0/-1", NULL},
    {"10.0.0.0/+8", NULL},
    {"10.0.0.0/8/8", NULL},
    {"10.0.0.0/ 8", NULL},
    {"10.0.0.0 /8", NULL},
    {"10.0.0.0/8 ", NULL},
    {"10.0.0.0/0x8", NULL},
    {"10.0.0.0/1000", NULL},
    {"fe80::1%eth0/128", NULL},
    {"fe80::1%eth0", NULL},
    {"300.1.1.1", NULL},
    {"example.com/8", NULL},
};

static void
test_cidr_parse(void)
{
    for (size_t i = 0; i < sizeof(cidr_rows) / sizeof(cidr_rows[0]); i++) {
        const struct cidr_row *r = &cidr_rows[i];
        struct hm_cidr c, back;
        char text[64];
        int rc = hm_cidr_parse(r->in, strlen(r->in), &c);

        if (r->want == NULL) {
            TAP_OK(rc == -EINVAL, "cidr %s is invalid",
                   show(r->in, strlen(r->in)));
            continue;
        }
        if (!TAP_OK(rc == 0, "cidr %s parses", r->in)) {
            continue;
        }
        hm_cidr_format(&c, text, sizeof(text));
        TAP_STREQ(text, r->want, "cidr %s formats", r->in);
        TAP_OK(hm_cidr_parse(text, strlen(text), &back) == 0 &&
                   !memcmp(&c, &back, sizeof(c)),
               "cidr %s round trips", text);
    }
}

struct contains_row {
    const char *cidr;
    const char *addr;
    int want;
};

static const struct contains_row contains_rows[] = {
    {"10.0.0.0/8", "10.1.2.3", 1},
    {"10.0.0.0/8", "10.255.255.255", 1},
    {"10.0.0.0/8", "11.0.0.0", 0},
    {"10.0.0.0/8", "9.255.255.255", 0},
    {"10.0.0.0/8", "::ffff:10.1.2.3", 1},
    {"10.0.0.0/8", "::ffff:a01:203", 1},
    {"10.0.0.0/8", "0xa010203", 1},
    {"10.0.0.0/8", "10.66051", 1},
    {"10.0.0.0/8", "::a01:203", 0},
    {"10.0.0.0/8", "::ffff:0:a01:203", 0},
    {"10.0.0.0/9", "10.127.255.255", 1},
    {"10.0.0.0/9", "10.128.0.0", 0},
    {"1.2.3.4/32", "1.2.3.4", 1},
    {"1.2.3.4", "1.2.3.5", 0},
    {"0.0.0.0/0", "255.255.255.255", 1},
    {"0.0.0.0/0", "::1", 0},
    {"::ffff:10.0.0.0/104", "10.255.0.1", 1},
    {"::ffff:10.0.0.0/104", "::ffff:10.255.0.1", 1},
    {"::ffff:10.0.0.0/104", "11.0.0.1", 0},
    {"2001:db8::/32", "2001:db8:1::1", 1},
    {"2001:db8::/32", "2001:db9::", 0},
    {"2001:db8::/32", "1.2.3.4", 0},
    {"2001:db8::/33", "2001:db8:8000::", 0},
    {"2001:db8::/33", "2001:db8:7fff::", 1},
    {"::/0", "2001:db8::1", 1},
    {"::/0", "1.2.3.4", 1},
    {"::/96", "1.2.3.4", 0},
    {"::/96", "::1.2.3.4", 1},
    {"::1", "::1", 1},
    {"::1", "127.0.0.1", 0},
    {"fe80::/10", "fe80::a9fe:a9fe%eth0", 1},
};

static void
test_cidr_contains(void)
{
    size_t n = sizeof(contains_rows) / sizeof(contains_rows[0]);

    for (size_t i = 0; i < n; i++) {
        const struct contains_row *r = &contains_rows[i];
        struct hm_cidr c;
        struct hm_addr a;
        int ok = hm_cidr_parse(r->cidr, strlen(r->cidr), &c) == 0 &&
                 hm_addr_parse(r->addr, strlen(r->addr), &a) == 0;

        TAP_OK(ok && hm_cidr_contains(&c, &a) == r->want,
               "%s contains %s == %d", r->cidr, r->addr, r->want);
    }
}

struct name_row {
    const char *name;
    int len;
    const char *domain;
    int want;
};

static const struct name_row name_rows[] = {
    {"example.com", Z, "example.com", 1},
    {"api.example.com", Z, "example.com", 1},
    {"a.b.example.com", Z, "example.com", 1},
    {"EXAMPLE.COM.", Z, "example.com", 1},
    {"Api.Example.Com", Z, "example.com", 1},
    {"api.example.com.", Z, "example.com", 1},
    {"example.com", Z, "example.com.", 1},
    {"example.com.", Z, "example.com.", 1},
    {"example.com.evil.test", Z, "example.com", 0},
    {"notexample.com", Z, "example.com", 0},
    {"xexample.com", Z, "example.com", 0},
    {"example.com..", Z, "example.com", 0},
    {".example.com", Z, "example.com", 0},
    {"example.co", Z, "example.com", 0},
    {"com", Z, "example.com", 0},
    {"", Z, "example.com", 0},
    {".", Z, "example.com", 0},
    {"example.com", Z, "", 0},
    {"example.com", Z, ".", 0},
    {"example.com\0.evil", 17, "example.com", 0},
    {"evil\0.example.com", 17, "example.com", 0},
    {"example.com\0", 12, "example.com", 0},
    {"example.comX", 11, "example.com", 1},
    {"example.com", 7, "example.com", 0},
    {"api.example.com", 7, "example.com", 0},
    {"exampl\xc3\xa9.com", Z, "example.com", 0},
};

static void
test_name_matches(void)
{
    for (size_t i = 0; i < sizeof(name_rows) / sizeof(name_rows[0]); i++) {
        const struct name_row *r = &name_rows[i];
        size_t len = row_len(r->name, r->len);

        TAP_OK(hm_name_matches(r->name, len, r->domain) == r->want,
               "name %s under %s == %d", show(r->name, len), r->domain,
               r->want);
    }
    TAP_OK(!hm_name_matches("example.com", 11, NULL), "NULL domain");
}

struct special_row {
    const char *name;
    int len;
    int loopback;
    int metadata;
};

static const struct special_row special_rows[] = {
    {"localhost", Z, 1, 0},
    {"LOCALHOST", Z, 1, 0},
    {"localhost.", Z, 1, 0},
    {"foo.localhost", Z, 1, 0},
    {"a.b.LocalHost.", Z, 1, 0},
    {"localhost..", Z, 0, 0},
    {".localhost", Z, 0, 0},
    {"localhost.com", Z, 0, 0},
    {"notlocalhost", Z, 0, 0},
    {"localhos", Z, 0, 0},
    {"localhost\0", 10, 0, 0},
    {"localhostX", 9, 1, 0},
    {"", Z, 0, 0},
    {"metadata", Z, 0, 1},
    {"METADATA.", Z, 0, 1},
    {"metadata.google.internal", Z, 0, 1},
    {"Metadata.Google.Internal.", Z, 0, 1},
    {"metadata.google", Z, 0, 0},
    {"metadata2", Z, 0, 0},
    {"x.metadata", Z, 0, 0},
    {"metadata.google.internal..", Z, 0, 0},
    {"metadata\0", 9, 0, 0},
};

static void
test_special_names(void)
{
    size_t n = sizeof(special_rows) / sizeof(special_rows[0]);

    for (size_t i = 0; i < n; i++) {
        const struct special_row *r = &special_rows[i];
        size_t len = row_len(r->name, r->len);

        TAP_OK(hm_name_is_loopback(r->name, len) == r->loopback,
               "loopback name %s == %d", show(r->name, len), r->loopback);
        TAP_OK(hm_name_is_metadata(r->name, len) == r->metadata,
               "metadata name %s == %d", show(r->name, len), r->metadata);
    }
}

struct domain_row {
    const char *in;
    int len;
    const char *want; /* NULL: invalid */
};

#define L63 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij123"

static const struct domain_row domain_rows[] = {
    {"example.com", Z, "example.com"},
    {"Example.COM.", Z, "example.com"},
    {"a_b.c-d.x9", Z, "a_b.c-d.x9"},
    {"localhost", Z, "localhost"},
    {L63 ".com", Z, L63 ".com"},
    {"x" L63 ".com", Z, NULL},
    {"", Z, NULL},
    {".", Z, NULL},
    {"..", Z, NULL},
    {"a..b", Z, NULL},
    {".a", Z, NULL},
    {"a b", Z, NULL},
    {"*.example.com", Z, NULL},
    {"example.com..", Z, NULL},
    {"exa\0mple", 8, NULL},
    {"example.com\0", 12, NULL},
    {"\xc3\xbc.com", Z, NULL},
    {"example.com/", Z, NULL},
    {"a:b", Z, NULL},
};

static void
test_domain_normalize(void)
{
    char dst[300];
    size_t n = sizeof(domain_rows) / sizeof(domain_rows[0]);

    for (size_t i = 0; i < n; i++) {
        const struct domain_row *r = &domain_rows[i];
        size_t len = row_len(r->in, r->len);
        int rc = hm_domain_normalize(r->in, len, dst, sizeof(dst));

        if (r->want == NULL) {
            TAP_OK(rc == -EINVAL, "domain %s is invalid", show(r->in, len));
        } else if (TAP_OK(rc == 0, "domain %s is valid", show(r->in, len))) {
            TAP_STREQ(dst, r->want, "domain %s normalises", r->in);
        }
    }
}

/* Three 63-byte labels and one of last bytes, dot-separated. */
static size_t
long_domain(char *dst, size_t last)
{
    size_t n = 0;

    for (int i = 0; i < 3; i++) {
        memset(dst + n, 'a', 63);
        n += 63;
        dst[n++] = '.';
    }
    memset(dst + n, 'b', last);
    n += last;
    dst[n] = '\0';
    return n;
}

static void
test_domain_lengths(void)
{
    char in[300], dst[300], small[4];
    size_t n = long_domain(in, 61);

    TAP_OK(n == 253 && hm_domain_normalize(in, n, dst, sizeof(dst)) == 0,
           "253-byte domain accepted");
    in[n] = '.';
    TAP_OK(hm_domain_normalize(in, n + 1, dst, sizeof(dst)) == 0 &&
               strlen(dst) == 253,
           "253-byte domain with end dot accepted");
    n = long_domain(in, 62);
    TAP_OK(n == 254 && hm_domain_normalize(in, n, dst, sizeof(dst)) == -EINVAL,
           "254-byte domain rejected");
    TAP_OK(hm_domain_normalize("abcd", 4, small, sizeof(small)) == -EINVAL,
           "too small a destination is rejected");
    TAP_OK(hm_domain_normalize("abc", 3, small, sizeof(small)) == 0 &&
               !strcmp(small, "abc"),
           "exact destination is enough");
}

int
main(void)
{
    test_addr_parse();
    test_addr_format_cap();
    test_addr_classes();
    test_cidr_parse();
    test_cidr_contains();
    test_name_matches();
    test_special_names();
    test_domain_normalize();
    test_domain_lengths();
    return tap_done();
}
