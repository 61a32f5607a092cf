/*
 * trace.c: building trace lines (see trace.h).
 *
 * A line is built from atoms: a byte, or one escape of a quoted value.
 * The body stops at the first atom that does not fit, so it always ends
 * on an atom boundary; hm_line_finish then cuts it further, if the reason
 * does not fit, by walking the atoms from the start.
 */
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Longest reason kept; real ones are short flag names. */
#define REASON_MAX 48

/* What a cut adds: a closing quote, then this. */
#define CUT_MARK "..."
#define CUT_MARK_LEN 3

static int
is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

static int
needs_quotes(const char *v, size_t n)
{
    if (n == 0) {
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];

        if (c == ' ' || c == '"' || c == '\\' || is_control(c)) {
            return 1;
        }
    }
    return 0;
}

/* The atom for byte c inside quotes; returns its length (1, 2 or 4). */
static size_t
quoted_atom(unsigned char c, char out[4])
{
    static const char hex[] = "0123456789abcdef";
    static const char plain[] = "\"\\\n\r\t";
    static const char named[] = "\"\\nrt";
    const char *hit = c ? strchr(plain, c) : NULL;

    if (hit != NULL) {
        out[0] = '\\';
        out[1] = named[hit - plain];
        return 2;
    }
    if (is_control(c)) {
        out[0] = '\\';
        out[1] = 'x';
        out[2] = hex[c >> 4];
        out[3] = hex[c & 15];
        return 4;
    }
    out[0] = (char)c;
    return 1;
}

static void
put(char *dst, size_t cap, size_t *len, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, (*len)++) {
        if (*len < cap) {
            dst[*len] = s[i];
        }
    }
}

size_t
hm_quote(char *dst, size_t cap, const char *value, size_t vlen)
{
    size_t len = 0;
    char atom[4];

    if (!needs_quotes(value, vlen)) {
        put(dst, cap, &len, value, vlen);
        return len;
    }
    put(dst, cap, &len, "\"", 1);
    for (size_t i = 0; i < vlen; i++) {
        put(dst, cap, &len, atom, quoted_atom((unsigned char)value[i], atom));
    }
    put(dst, cap, &len, "\"", 1);
    return len;
}

/* Appends one atom, or marks the body cut for good when it does not fit:
 * what follows a dropped atom must be dropped too. */
static void
line_atom(struct hm_line *l, const char *atom, size_t n)
{
    if (l->cut || l->len + n > HM_LINE_MAX) {
        l->cut = 1;
        return;
    }
    memcpy(l->buf + l->len, atom, n);
    l->len += n;
}

/*
 * Appends text the program wrote (verb, api, key).  A quote, backslash or
 * control character there would break the line's grammar, so it becomes
 * '?'; no caller passes one.
 */
static void
line_word(struct hm_line *l, const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        char out = c == '"' || c == '\\' || is_control(c) ? '?' : (char)c;

        line_atom(l, &out, 1);
    }
}

void
hm_line_start(struct hm_line *l, const char *verb, const char *api)
{
    l->len = 0;
    l->cut = 0;
    line_word(l, "[hermetic] ");
    line_word(l, verb);
    line_word(l, " ");
    line_word(l, api);
}

void
hm_line_add(struct hm_line *l, const char *key, const char *value, size_t vlen)
{
    char atom[4];
    int quoted;

    if (value == NULL) {
        vlen = 0;
    }
    quoted = needs_quotes(value, vlen);
    line_word(l, " ");
    line_word(l, key);
    line_word(l, "=");
    if (quoted) {
        line_atom(l, "\"", 1);
    }
    for (size_t i = 0; i < vlen; i++) {
        size_t n = 1;

        atom[0] = value[i];
        if (quoted) {
            n = quoted_atom((unsigned char)value[i], atom);
        }
        line_atom(l, atom, n);
    }
    if (quoted) {
        line_atom(l, "\"", 1);
    }
}

/* The atom at buf[i] of a body; *quoted tracks whether a quote is open.
 * Outside quotes only a value's opening quote can appear. */
static size_t
body_atom(const struct hm_line *l, size_t i, int *quoted)
{
    const char *b = l->buf;
    size_t n = 1;

    if (b[i] == '"') {
        *quoted = !*quoted;
    } else if (*quoted && b[i] == '\\') {
        n = i + 1 < l->len && b[i + 1] == 'x' ? 4 : 2;
    }
    return n < l->len - i ? n : l->len - i;
}

/* Cuts the body so that it, a closing quote if one is open, CUT_MARK and
 * tail bytes fit in HM_LINE_MAX.  Never inside an escape or a UTF-8
 * sequence. */
static void
line_cut(struct hm_line *l, size_t tail)
{
    size_t i = 0, best = 0;
    int quoted = 0, best_quoted = 0;

    while (i + CUT_MARK_LEN + tail <= HM_LINE_MAX) {
        int mid_char = i < l->len && ((unsigned char)l->buf[i] & 0xc0) == 0x80;

        if (!mid_char && i + quoted + CUT_MARK_LEN + tail <= HM_LINE_MAX) {
            best = i;
            best_quoted = quoted;
        }
        if (i >= l->len) {
            break;
        }
        i += body_atom(l, i, &quoted);
    }
    l->len = best;
    if (best_quoted) {
        l->buf[l->len++] = '"';
    }
    memcpy(l->buf + l->len, CUT_MARK, CUT_MARK_LEN);
    l->len += CUT_MARK_LEN;
    l->cut = 1;
}

size_t
hm_line_finish(struct hm_line *l, const char *reason)
{
    size_t rlen = 0, tail, len;

    while (reason != NULL && rlen < REASON_MAX && reason[rlen] != '\0') {
        rlen++;
    }
    tail = strlen(" reason=") + rlen + 1;
    if (l->cut || l->len + tail > HM_LINE_MAX) {
        line_cut(l, tail);
    }
    len = l->len;
    memcpy(l->buf + len, " reason=", 8);
    len += 8;
    for (size_t i = 0; i < rlen; i++) {
        unsigned char c = (unsigned char)reason[i];

        l->buf[len++] = c == '"' || c == '\\' || is_control(c) ? '?' : (char)c;
    }
    l->buf[len++] = '\n';
    l->buf[len] = '\0';
    return len;
}

/* --- JSON reports ---------------------------------------------------- */

/* Longest value a JSON report keeps. */
#define JSON_VALUE_MAX 1024

/* Length of the UTF-8 sequence at s (at most n bytes), 0 when invalid. */
static size_t
utf8_length(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    size_t k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

    return k <= n && hm_utf8_valid(s, k) ? k : 0;
}

/* Appends value as a JSON string, invalid bytes as U+FFFD. */
static void
json_value(struct hm_buf *b, const char *s, size_t n)
{
    struct hm_buf text;
    size_t keep = n > JSON_VALUE_MAX ? JSON_VALUE_MAX : n;
    char *t;

    hm_buf_init(&text);
    for (size_t i = 0; i < keep;) {
        size_t k = utf8_length(s + i, keep - i);

        if (k == 0) {
            hm_buf_adds(&text, "\xef\xbf\xbd");
            i++;
            continue;
        }
        hm_buf_add(&text, s + i, k);
        i += k;
    }
    if (keep < n) {
        hm_buf_adds(&text, "...");
    }
    t = hm_buf_take(&text);
    if (t == NULL) {
        b->failed = 1;
        return;
    }
    hm_json_add_string(b, t, strlen(t));
    free(t);
}

static void
json_member(struct hm_buf *b, const char *key, const char *value, size_t n)
{
    hm_buf_adds(b, ",");
    hm_json_add_string(b, key, strlen(key));
    hm_buf_adds(b, ":");
    if (value == NULL) {
        hm_buf_adds(b, "null");
    } else {
        json_value(b, value, n);
    }
}

char *
hm_report_json(const struct hm_report *r, size_t *len)
{
    struct hm_buf b;
    char pid[32];
    char *out;

    hm_buf_init(&b);
    hm_buf_adds(&b, "{\"verb\":");
    json_value(&b, r->verb, strlen(r->verb));
    json_member(&b, "api", r->api, strlen(r->api));
    if (r->key != NULL) {
        json_member(&b, r->key, r->value != NULL ? r->value : "", r->vlen);
    }
    if (r->extra_key != NULL) {
        json_member(&b, r->extra_key, r->extra_value, strlen(r->extra_value));
    }
    json_member(&b, "reason", r->reason, strlen(r->reason));
    json_member(&b, "guard", r->guard, strlen(r->guard));
    json_member(&b, "target", r->target,
                r->target != NULL ? strlen(r->target) : 0);
    snprintf(pid, sizeof(pid), ",\"pid\":%ld}\n", r->pid);
    hm_buf_adds(&b, pid);
    *len = b.len;
    out = hm_buf_take(&b);
    return out;
}
