/*
 * json.h: the strict JSON of the policy encoding (HERMETIC_FLAGS_JSON).
 *
 * The reader builds a tree of objects, arrays, strings (UTF-8, escapes
 * decoded), true, false, null and non-negative integers up to UINT32_MAX.
 * Everything else is an error: other numbers, invalid UTF-8, lone
 * surrogates, nesting deeper than HM_JSON_MAX_DEPTH, trailing data.  It is
 * total on arbitrary bytes (fuzzed).  Duplicate keys are kept; the caller
 * decides about them.
 *
 * The writer appends to a growable buffer that remembers an allocation
 * failure, so a caller checks once at the end.
 *
 * Pure C: no CPython, no system calls.  Functions return 0 or a negative
 * errno value; none prints.
 */
#ifndef HERMETIC_JSON_H
#define HERMETIC_JSON_H

#include <stddef.h>

/* Deepest nesting of arrays and objects the reader accepts. */
#define HM_JSON_MAX_DEPTH 16

enum hm_json_type {
    HM_JSON_NULL,
    HM_JSON_BOOL,
    HM_JSON_NUMBER,
    HM_JSON_STRING,
    HM_JSON_ARRAY,
    HM_JSON_OBJECT,
};

struct hm_json_member;

struct hm_json {
    enum hm_json_type type;
    size_t n; /* bytes of a string; items of an array or object */
    union {
        int boolean;
        unsigned long number;
        char *string; /* NUL-terminated after n bytes; may hold NULs */
        struct hm_json *items;
        struct hm_json_member *members;
    } u;
};

struct hm_json_member {
    char *key; /* as a string value: NUL-terminated, klen bytes */
    size_t klen;
    struct hm_json value;
};

/*
 * Parses len bytes of s into *out, which the caller frees with
 * hm_json_free.  -EINVAL: not valid (a one-line reason naming the byte
 * offset goes to err); -ENOMEM.  On failure *out holds nothing.
 */
int hm_json_parse(const char *s, size_t len, struct hm_json *out, char *err,
                  size_t errlen);

void hm_json_free(struct hm_json *v);

/* The first member of object v named key, or NULL. */
const struct hm_json *hm_json_get(const struct hm_json *v, const char *key);

/* 1 when the n bytes of s are valid UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
int hm_utf8_valid(const char *s, size_t n);

struct hm_buf {
    char *p;
    size_t len;
    size_t cap;
    int failed; /* an allocation failed; later appends are dropped */
};

void hm_buf_init(struct hm_buf *b);
void hm_buf_add(struct hm_buf *b, const char *s, size_t n);
void hm_buf_adds(struct hm_buf *b, const char *s);

/* Appends s as a JSON string: quotes, and escapes for '"', '\\' and
 * control characters.  Other bytes are copied as they are, so s must be
 * valid UTF-8 for the result to be JSON. */
void hm_json_add_string(struct hm_buf *b, const char *s, size_t n);

/* Returns the NUL-terminated text (the caller frees it) and empties b;
 * NULL when an allocation failed. */
char *hm_buf_take(struct hm_buf *b);

void hm_buf_free(struct hm_buf *b);

#endif
