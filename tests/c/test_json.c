/*
 * test_json.c: the strict JSON reader and the string writer (json.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tap.h"

struct bad_row {
    const char *in;
    size_t len; /* 0: strlen(in) */
    const char *err;
};

static const struct bad_row bad_rows[] = {
    {"", 0, "invalid JSON at byte 0: unexpected end of input"},
    {"   ", 0, "invalid JSON at byte 3: unexpected end of input"},
    {"{", 0, "invalid JSON at byte 1: unexpected end of input"},
    {"{\"a\"", 0, "invalid JSON at byte 4: expected ':'"},
    {"{\"a\":", 0, "invalid JSON at byte 5: unexpected end of input"},
    {"{\"a\":1", 0, "invalid JSON at byte 6: unexpected end of input"},
    {"{\"a\":1,}", 0, "invalid JSON at byte 7: expected a string key"},
    {"{\"a\" 1}", 0, "invalid JSON at byte 5: expected ':'"},
    /* Fuzzer find: a member without ':' freed its never-parsed value. */
    {"{\"a\":[\"x\"],\"b\":{\"c\":[\"y\"]},\"d\" 1}", 0,
     "invalid JSON at byte 31: expected ':'"},
    {"{\"a\":1 \"b\":2}", 0, "invalid JSON at byte 7: expected ',' or '}'"},
    {"{a:1}", 0, "invalid JSON at byte 1: expected a string key"},
    {"[1,]", 0, "invalid JSON at byte 3: unexpected character"},
    {"[1 2]", 0, "invalid JSON at byte 3: expected ',' or ']'"},
    {"{} x", 0, "invalid JSON at byte 3: trailing data"},
    {"{}{}", 0, "invalid JSON at byte 2: trailing data"},
    {"{}\0", 3, "invalid JSON at byte 2: trailing data"},
    {"tru", 0, "invalid JSON at byte 0: unexpected character"},
    {"True", 0, "invalid JSON at byte 0: unexpected character"},
    {"nul", 0, "invalid JSON at byte 0: unexpected character"},
    {"truex", 0, "invalid JSON at byte 4: trailing data"},
    {"-1", 0, "invalid JSON at byte 0: unsupported number"},
    {"1.0", 0, "invalid JSON at byte 1: unsupported number"},
    {"1e3", 0, "invalid JSON at byte 1: unsupported number"},
    {"01", 0, "invalid JSON at byte 0: leading zero in number"},
    {"4294967296", 0, "invalid JSON at byte 9: number too large"},
    {"\"abc", 0, "invalid JSON at byte 1: unterminated string"},
    {"\"abc\\", 0, "invalid JSON at byte 1: unterminated string"},
    {"\"a\nb\"", 0, "invalid JSON at byte 3: control character in string"},
    {"\"a\tb\"", 0, "invalid JSON at byte 3: control character in string"},
    {"\"\\x41\"", 0, "invalid JSON at byte 2: invalid escape"},
    {"\"\\u12\"", 0, "invalid JSON at byte 3: invalid \\u escape"},
    {"\"\\u12g4\"", 0, "invalid JSON at byte 6: invalid \\u escape"},
    {"\"\\ud800\"", 0, "invalid JSON at byte 7: lone surrogate"},
    {"\"\\ud800\\u0041\"", 0, "invalid JSON at byte 13: lone surrogate"},
    {"\"\\udc00\"", 0, "invalid JSON at byte 7: lone surrogate"},
    {"\"\xff\"", 0, "invalid JSON at byte 0: invalid UTF-8 in string"},
    {"\"\xc0\xaf\"", 0, "invalid JSON at byte 0: invalid UTF-8 in string"},
    {"\"\xed\xa0\x80\"", 0, "invalid JSON at byte 0: invalid UTF-8 in string"},
    {"\"\xf4\x90\x80\x80\"", 0,
     "invalid JSON at byte 0: invalid UTF-8 in string"},
    {"\"\xe2\x82\"", 0, "invalid JSON at byte 0: invalid UTF-8 in string"},
    {"\xef\xbb\xbf{}", 0, "invalid JSON at byte 0: unexpected character"},
    {"[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]", 0,
     "invalid JSON at byte 16: nesting deeper than 16"},
    {"{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{"
     "\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":1}}}}}}}}}}"
     "}}}}}}}",
     0, "invalid JSON at byte 80: nesting deeper than 16"},
};

static void
test_bad(void)
{
    char err[128];
    struct hm_json v;

    for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
        const struct bad_row *r = &bad_rows[i];
        size_t len = r->len ? r->len : strlen(r->in);
        int rc = hm_json_parse(r->in, len, &v, err, sizeof(err));

        TAP_OK(rc == -EINVAL, "bad row %zu rejected", i);
        TAP_STREQ(err, r->err, "bad row %zu message", i);
    }
}

static void
test_depth_limit(void)
{
    const char *ok16 = "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]";
    struct hm_json v;
    char err[64];

    TAP_OK(hm_json_parse(ok16, strlen(ok16), &v, err, sizeof(err)) == 0,
           "nesting of 16 accepted");
    hm_json_free(&v);
}

struct string_row {
    const char *in;
    const char *want;
    size_t wlen; /* 0: strlen(want) */
};

static const struct string_row string_rows[] = {
    {"\"\"", "", 0},
    {"\"abc\"", "abc", 0},
    {"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 0},
    {"\"\\u0041\\u00e9\"", "A\xc3\xa9", 0},
    {"\"\\u20AC\"", "\xe2\x82\xac", 0},
    {"\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 0},
    {"\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf", 0},
    {"\"\\u0000\"", "\0", 1},
    {"\"caf\xc3\xa9 \x7f\"", "caf\xc3\xa9 \x7f", 0},
    {"  \"x\"  \r\n\t", "x", 0},
};

static void
test_strings(void)
{
    size_t n = sizeof(string_rows) / sizeof(string_rows[0]);
    struct hm_json v;

    for (size_t i = 0; i < n; i++) {
        const struct string_row *r = &string_rows[i];
        size_t wlen = r->wlen ? r->wlen : strlen(r->want);
        int rc = hm_json_parse(r->in, strlen(r->in), &v, NULL, 0);

        TAP_OK(rc == 0 && v.type == HM_JSON_STRING && v.n == wlen &&
                   !memcmp(v.u.string, r->want, wlen) &&
                   v.u.string[v.n] == '\0',
               "string row %zu decodes", i);
        hm_json_free(&v);
    }
}

static void
test_tree(void)
{
    const char *in = "{\"a\":[true,false,null,0,4294967295],\"b\":{},"
                     "\"a\":\"dup\"}";
    struct hm_json v;
    const struct hm_json *a;

    if (!TAP_OK(hm_json_parse(in, strlen(in), &v, NULL, 0) == 0,
                "tree parses")) {
        return;
    }
    a = hm_json_get(&v, "a");
    TAP_OK(v.type == HM_JSON_OBJECT && v.n == 3, "three members kept");
    TAP_OK(a != NULL && a->type == HM_JSON_ARRAY && a->n == 5,
           "get finds the first of duplicate keys");
    TAP_OK(a->u.items[0].type == HM_JSON_BOOL && a->u.items[0].u.boolean &&
               a->u.items[1].type == HM_JSON_BOOL &&
               !a->u.items[1].u.boolean && a->u.items[2].type == HM_JSON_NULL,
           "literals");
    TAP_OK(a->u.items[3].u.number == 0 &&
               a->u.items[4].u.number == 4294967295ul,
           "numbers");
    TAP_OK(hm_json_get(&v, "zz") == NULL, "get of a missing key");
    TAP_OK(hm_json_get(a, "a") == NULL, "get on an array");
    hm_json_free(&v);
}

static void
test_writer(void)
{
    struct hm_buf b;
    char *out;

    hm_buf_init(&b);
    hm_json_add_string(&b, "a\"b\\c\n\r\t\x01\x1f\x7f\xc3\xa9", 13);
    hm_buf_adds(&b, ",");
    hm_json_add_string(&b, "", 0);
    out = hm_buf_take(&b);
    TAP_STREQ(out, "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f\x7f\xc3\xa9\",\"\"",
              "writer escapes");
    free(out);
}

/* Every byte string that is valid UTF-8 survives write then read. */
static void
test_writer_round_trip(void)
{
    char raw[256];
    struct hm_buf b;
    struct hm_json v;
    char *out;
    int ok;

    for (int i = 0; i < 128; i++) {
        raw[i] = (char)i;
    }
    memcpy(raw + 128, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9);
    hm_buf_init(&b);
    hm_json_add_string(&b, raw, 137);
    out = hm_buf_take(&b);
    ok = out != NULL && hm_json_parse(out, strlen(out), &v, NULL, 0) == 0;
    TAP_OK(ok && v.type == HM_JSON_STRING && v.n == 137 &&
               !memcmp(v.u.string, raw, 137),
           "all ASCII and some UTF-8 round trip");
    if (ok) {
        hm_json_free(&v);
    }
    free(out);
}

struct utf8_row {
    const char *s;
    int valid;
};

static const struct utf8_row utf8_rows[] = {
    {"", 1},
    {"ascii", 1},
    {"\xc2\x80", 1},
    {"\xdf\xbf", 1},
    {"\xe0\xa0\x80", 1},
    {"\xed\x9f\xbf", 1},
    {"\xee\x80\x80", 1},
    {"\xf0\x90\x80\x80", 1},
    {"\xf4\x8f\xbf\xbf", 1},
    {"\x80", 0},
    {"\xc0\x80", 0},
    {"\xc1\xbf", 0},
    {"\xc2", 0},
    {"\xc2\x41", 0},
    {"\xe0\x9f\xbf", 0},
    {"\xed\xa0\x80", 0},
    {"\xf0\x8f\xbf\xbf", 0},
    {"\xf4\x90\x80\x80", 0},
    {"\xf5\x80\x80\x80", 0},
    {"\xff", 0},
    {"a\xe2\x82", 0},
};

static void
test_utf8(void)
{
    for (size_t i = 0; i < sizeof(utf8_rows) / sizeof(utf8_rows[0]); i++) {
        const struct utf8_row *r = &utf8_rows[i];

        TAP_OK(hm_utf8_valid(r->s, strlen(r->s)) == r->valid,
               "utf8 row %zu == %d", i, r->valid);
    }
}

int
main(void)
{
    test_bad();
    test_depth_limit();
    test_strings();
    test_tree();
    test_writer();
    test_writer_round_trip();
    test_utf8();
    return tap_done();
}
