/*
 * test_trace.c: trace values and lines (trace.h, SPEC section 5).
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "trace.h"

struct quote_row {
    const char *in;
    size_t len; /* 0: strlen(in) */
    const char *want;
};

static const struct quote_row quote_rows[] = {
    {"example.com", 0, "example.com"},
    {"/tmp/x", 0, "/tmp/x"},
    {"a=b", 0, "a=b"},
    {"key='v'", 0, "key='v'"},
    {"", 0, "\"\""},
    {"a b", 0, "\"a b\""},
    {" ", 0, "\" \""},
    {"a\"b", 0, "\"a\\\"b\""},
    {"a\\b", 0, "\"a\\\\b\""},
    {"a\nb", 0, "\"a\\nb\""},
    {"\r\t", 0, "\"\\r\\t\""},
    {"\x01", 0, "\"\\x01\""},
    {"\x1f", 0, "\"\\x1f\""},
    {"\x7f", 0, "\"\\x7f\""},
    {"\x1b[31m", 0, "\"\\x1b[31m\""},
    {"a\0b", 3, "\"a\\x00b\""},
    {"caf\xc3\xa9", 0, "caf\xc3\xa9"},
    {"\xff\xfe", 0, "\xff\xfe"},
    {"caf\xc3\xa9 x", 0, "\"caf\xc3\xa9 x\""},
    {"/tmp/a\nb", 0, "\"/tmp/a\\nb\""},
};

static void
test_quote_table(void)
{
    char out[64];
    size_t n = sizeof(quote_rows) / sizeof(quote_rows[0]);

    for (size_t i = 0; i < n; i++) {
        const struct quote_row *r = &quote_rows[i];
        size_t in_len = r->len ? r->len : strlen(r->in);
        size_t len = hm_quote(out, sizeof(out) - 1, r->in, in_len);

        out[len] = '\0';
        TAP_OK(len == strlen(r->want) && !memcmp(out, r->want, len),
               "quote row %zu -> %s", i, r->want);
    }
}

static void
test_quote_cap(void)
{
    char out[8];

    memset(out, '#', sizeof(out));
    TAP_OK(hm_quote(out, 3, "a b c", 5) == 7, "quote returns full length");
    TAP_OK(!memcmp(out, "\"a ###", 6), "quote writes at most cap bytes");
    TAP_OK(hm_quote(NULL, 0, "a\nb", 3) == 6, "quote measures with cap 0");
    TAP_OK(hm_quote(NULL, 0, NULL, 0) == 2, "NULL empty value is \"\"");
}

/* Builds a line with one key=value and returns its length. */
static size_t
one_line(struct hm_line *l, const char *api, const char *key,
         const char *value, size_t vlen, const char *reason)
{
    hm_line_start(l, "blocked", api);
    if (key != NULL) {
        hm_line_add(l, key, value, vlen);
    }
    return hm_line_finish(l, reason);
}

struct line_row {
    const char *api;
    const char *key;
    const char *value;
    const char *reason;
    const char *want;
};

static const struct line_row line_rows[] = {
    {"socket.getaddrinfo", "host", "example.com", "no-network",
     "[hermetic] blocked socket.getaddrinfo host=example.com "
     "reason=no-network\n"},
    {"subprocess", NULL, NULL, "no-subprocess",
     "[hermetic] blocked subprocess reason=no-subprocess\n"},
    {"open write", "path", "/tmp/x", "fs-readonly",
     "[hermetic] blocked open write path=/tmp/x reason=fs-readonly\n"},
    {"open write", "path", "/tmp/a\nb", "fs-readonly",
     "[hermetic] blocked open write path=\"/tmp/a\\nb\" "
     "reason=fs-readonly\n"},
    {"open write", "path", "/tmp/my file", "fs-readonly",
     "[hermetic] blocked open write path=\"/tmp/my file\" "
     "reason=fs-readonly\n"},
    {"socket.connect", "host", "169.254.169.254", "metadata",
     "[hermetic] blocked socket.connect host=169.254.169.254 "
     "reason=metadata\n"},
    {"environment read", "name", "", "no-environment",
     "[hermetic] blocked environment read name=\"\" "
     "reason=no-environment\n"},
    {"import", "name", "ctypes", "block-native",
     "[hermetic] blocked import name=ctypes reason=block-native\n"},
    {"bad\napi", "k\"ey", "v", "re\nason",
     "[hermetic] blocked bad?api k?ey=v reason=re?ason\n"},
};

static void
test_line_table(void)
{
    struct hm_line l;
    size_t n = sizeof(line_rows) / sizeof(line_rows[0]);

    for (size_t i = 0; i < n; i++) {
        const struct line_row *r = &line_rows[i];
        size_t vlen = r->value ? strlen(r->value) : 0;
        size_t len = one_line(&l, r->api, r->key, r->value, vlen, r->reason);

        TAP_OK(len == strlen(l.buf), "line %zu: length matches", i);
        TAP_STREQ(l.buf, r->want, "line %zu", i);
    }
}

static void
test_line_several_keys(void)
{
    struct hm_line l;

    hm_line_start(&l, "would block", "fs mutation");
    hm_line_add(&l, "op", "os.remove", 9);
    hm_line_add(&l, "path", "a\0b", 3);
    hm_line_finish(&l, "fs-readonly");
    TAP_STREQ(l.buf,
              "[hermetic] would block fs mutation op=os.remove "
              "path=\"a\\x00b\" reason=fs-readonly\n",
              "two keys and a NUL in a value");
}

/* The checks every line must pass: one newline, at the end; the limit;
 * the reason last. */
static int
line_ok(const struct hm_line *l, size_t len, const char *reason)
{
    char tail[64];

    snprintf(tail, sizeof(tail), " reason=%s\n", reason);
    return len <= HM_LINE_MAX && len == strlen(l->buf) &&
           memchr(l->buf, '\n', len) == l->buf + len - 1 &&
           len > strlen(tail) && !strcmp(l->buf + len - strlen(tail), tail);
}

static int
ends_with(const char *s, size_t len, const char *end)
{
    size_t n = strlen(end);

    return len >= n && !memcmp(s + len - n, end, n);
}

static char big[3 * HM_LINE_MAX];

static void
test_cut_bare(void)
{
    struct hm_line l;
    size_t len;

    memset(big, 'a', sizeof(big));
    len = one_line(&l, "open write", "path", big, 5000, "fs-readonly");
    TAP_OK(line_ok(&l, len, "fs-readonly"), "bare cut: well formed");
    TAP_OK(len == HM_LINE_MAX, "bare cut: uses the whole limit");
    TAP_OK(ends_with(l.buf, len, "aaa... reason=fs-readonly\n"),
           "bare cut: ... before reason");
    TAP_OK(l.cut == 1, "bare cut: marked cut");
}

static void
test_cut_quoted(void)
{
    struct hm_line l;
    size_t len;

    memset(big, ' ', sizeof(big));
    len = one_line(&l, "open write", "path", big, 5000, "fs-readonly");
    TAP_OK(line_ok(&l, len, "fs-readonly"), "quoted cut: well formed");
    TAP_OK(len == HM_LINE_MAX, "quoted cut: uses the whole limit");
    TAP_OK(ends_with(l.buf, len, "   \"... reason=fs-readonly\n"),
           "quoted cut: quote closed before ...");
}

/* Escapes of 2 and 4 bytes: the cut falls before a whole escape. */
static void
test_cut_escapes(void)
{
    struct hm_line l;
    size_t len;

    for (int shift = 0; shift < 4; shift++) {
        memset(big, '\x01', sizeof(big));
        memset(big, 'x', (size_t)shift);
        len = one_line(&l, "open write", "path", big, 2000, "fs-readonly");
        TAP_OK(line_ok(&l, len, "fs-readonly") && len > HM_LINE_MAX - 4 &&
                   ends_with(l.buf, len, "\\x01\"... reason=fs-readonly\n"),
               "escape cut, shift %d: whole escapes only", shift);
    }
    memset(big, '\n', sizeof(big));
    len = one_line(&l, "open write", "path", big, 3000, "fs-readonly");
    TAP_OK(line_ok(&l, len, "fs-readonly") &&
               ends_with(l.buf, len, "\\n\"... reason=fs-readonly\n"),
           "newlines cut as whole \\n escapes");
}

/* A two-byte character is never split. */
static void
test_cut_utf8(void)
{
    struct hm_line l;
    size_t len, body;

    for (size_t i = 0; i + 1 < sizeof(big); i += 2) {
        big[i] = '\xc3';
        big[i + 1] = '\xa9';
    }
    for (int shift = 0; shift < 2; shift++) {
        len = one_line(&l, "open write", "path", big + shift, 5000,
                       "fs-readonly");
        body = len - strlen("... reason=fs-readonly\n");
        TAP_OK(line_ok(&l, len, "fs-readonly") &&
                   (unsigned char)l.buf[body - 1] == 0xa9,
               "utf-8 cut, shift %d: ends after a whole character", shift);
    }
}

/* Fills a bare value so the whole line is exactly want bytes long. */
static size_t
line_of(struct hm_line *l, size_t want)
{
    size_t fixed = strlen("[hermetic] blocked x k= reason=r\n");

    memset(big, 'v', sizeof(big));
    return one_line(l, "x", "k", big, want - fixed, "r");
}

static void
test_cut_boundary(void)
{
    struct hm_line l;
    size_t len = line_of(&l, HM_LINE_MAX);

    TAP_OK(len == HM_LINE_MAX && !l.cut &&
               ends_with(l.buf, len, "vv reason=r\n"),
           "a line of exactly the limit is not cut");
    len = line_of(&l, HM_LINE_MAX + 1);
    TAP_OK(len == HM_LINE_MAX && l.cut &&
               ends_with(l.buf, len, "v... reason=r\n"),
           "one byte more is cut");
}

static void
test_cut_then_add(void)
{
    struct hm_line l;
    size_t len;

    memset(big, 'a', sizeof(big));
    hm_line_start(&l, "blocked", "fs mutation");
    hm_line_add(&l, "op", big, 5000);
    hm_line_add(&l, "path", "/short", 6);
    len = hm_line_finish(&l, "fs-readonly");
    TAP_OK(line_ok(&l, len, "fs-readonly") && !strstr(l.buf, "path="),
           "keys after a cut are dropped, not spliced in");
}

static void
test_long_reason(void)
{
    struct hm_line l;
    size_t len;

    memset(big, 'r', sizeof(big));
    big[sizeof(big) - 1] = '\0';
    memset(big + 8000, 'a', 4000);
    len = one_line(&l, "x", "k", big + 8000, 4000, big);
    TAP_OK(len <= HM_LINE_MAX && memchr(l.buf, '\n', len) == l.buf + len - 1,
           "a huge reason is bounded");
}

static void
test_report_json(void)
{
    struct hm_report r = {
        "would block", "socket.getaddrinfo", "host",    "x.org", 5, NULL,
        NULL,          "no-network",         "network", "x.org", 42};
    char *out;
    size_t len;

    out = hm_report_json(&r, &len);
    TAP_STREQ(out,
              "{\"verb\":\"would block\",\"api\":\"socket.getaddrinfo\","
              "\"host\":\"x.org\",\"reason\":\"no-network\","
              "\"guard\":\"network\",\"target\":\"x.org\",\"pid\":42}\n",
              "a report as one JSON line");
    TAP_OK(out != NULL && len == strlen(out), "its length");
    free(out);
    r.value = "a\"\n\xff";
    r.vlen = 4;
    r.target = NULL;
    r.key = "path";
    r.extra_key = "op";
    r.extra_value = "os.remove";
    out = hm_report_json(&r, &len);
    TAP_STREQ(out,
              "{\"verb\":\"would block\",\"api\":\"socket.getaddrinfo\","
              "\"path\":\"a\\\"\\n\xef\xbf\xbd\",\"op\":\"os.remove\","
              "\"reason\":\"no-network\",\"guard\":\"network\","
              "\"target\":null,\"pid\":42}\n",
              "escapes, invalid UTF-8 and a second key");
    free(out);
}

int
main(void)
{
    test_quote_table();
    test_quote_cap();
    test_line_table();
    test_line_several_keys();
    test_cut_bare();
    test_cut_quoted();
    test_cut_escapes();
    test_cut_utf8();
    test_cut_boundary();
    test_cut_then_add();
    test_long_reason();
    test_report_json();
    return tap_done();
}
