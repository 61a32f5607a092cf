/*
 * test_pathmatch.c: lexical paths, open modes and sqlite3 names
 * (pathmatch.h, SPEC section 3 "Filesystem").
 */
#include <fcntl.h>
#include <string.h>

#include "pathmatch.h"
#include "tap.h"

struct norm_row {
    const char *in;
    const char *want; /* NULL: rejected */
};

static const struct norm_row norm_rows[] = {
    {"/", "/"},
    {"//", "/"},
    {"/a/b", "/a/b"},
    {"/a/b/", "/a/b"},
    {"/a//b", "/a/b"},
    {"/a/./b", "/a/b"},
    {"/a/../b", "/b"},
    {"/..", "/"},
    {"/../..", "/"},
    {"/../etc/passwd", "/etc/passwd"},
    {"/a/b/../../..", "/"},
    {"/a/b/..", "/a"},
    {"/a/...", "/a/..."},
    {"/a/..b", "/a/..b"},
    {"/a/.b/.", "/a/.b"},
    {"/root/x/../../etc", "/etc"},
    {"a/b", NULL},
    {"", NULL},
    {"./a", NULL},
};

static void
test_normalize(void)
{
    char out[64];

    for (size_t i = 0; i < sizeof(norm_rows) / sizeof(norm_rows[0]); i++) {
        const struct norm_row *r = &norm_rows[i];
        long n = hm_path_normalize(r->in, strlen(r->in), out, sizeof(out));

        if (r->want == NULL) {
            TAP_OK(n == -1, "normalize rejects \"%s\"", r->in);
        } else {
            TAP_STREQ(n >= 0 ? out : NULL, r->want, "normalize \"%s\"", r->in);
        }
    }
}

static void
test_normalize_limits(void)
{
    char out[8];

    TAP_OK(hm_path_normalize("/abcdefgh", 9, out, sizeof(out)) == -1,
           "normalize: too long for the buffer");
    TAP_OK(hm_path_normalize("/abcdef", 7, out, sizeof(out)) == 7,
           "normalize: exactly fits");
    TAP_OK(hm_path_normalize("/a\0b", 4, out, sizeof(out)) == -1,
           "normalize: NUL byte rejected");
    TAP_OK(hm_path_normalize("/abcdefgh/..", 12, out, sizeof(out)) == -1,
           "normalize: an over-long component is rejected, not cut");
}

struct join_row {
    const char *base, *rel, *want;
};

static const struct join_row join_rows[] = {
    {"/home/u", "x", "/home/u/x"},
    {"/home/u", "../v/x", "/home/v/x"},
    {"/home/u", "/etc/x", "/etc/x"},
    {"/", "x", "/x"},
    {"/a", "", "/a"},
    {"/a", ".", "/a"},
    {"/a/b", "../../../..", "/"},
};

static void
test_join(void)
{
    char out[64];

    for (size_t i = 0; i < sizeof(join_rows) / sizeof(join_rows[0]); i++) {
        const struct join_row *r = &join_rows[i];
        long n =
            hm_path_join(r->base, r->rel, strlen(r->rel), out, sizeof(out));

        TAP_STREQ(n >= 0 ? out : NULL, r->want, "join \"%s\" + \"%s\"",
                  r->base, r->rel);
    }
}

struct inside_row {
    const char *path, *root;
    int want;
};

static const struct inside_row inside_rows[] = {
    {"/srv/root", "/srv/root", 1},
    {"/srv/root/a", "/srv/root", 1},
    {"/srv/root/a/b", "/srv/root", 1},
    {"/srv/rootx", "/srv/root", 0},
    {"/srv/roo", "/srv/root", 0},
    {"/srv", "/srv/root", 0},
    {"/etc/passwd", "/srv/root", 0},
    {"/anything", "/", 1},
    {"/", "/", 1},
    {"/", "/srv", 0},
};

static void
test_inside(void)
{
    for (size_t i = 0; i < sizeof(inside_rows) / sizeof(inside_rows[0]); i++) {
        const struct inside_row *r = &inside_rows[i];

        TAP_OK(hm_path_inside(r->path, strlen(r->path), r->root,
                              strlen(r->root)) == r->want,
               "\"%s\" inside \"%s\" is %d", r->path, r->root, r->want);
    }
}

struct flags_row {
    int flags, want;
    const char *what;
};

static const struct flags_row flags_rows[] = {
    {O_RDONLY, 0, "O_RDONLY"},
    {O_RDONLY | O_CLOEXEC, 0, "O_RDONLY|O_CLOEXEC"},
    {O_RDONLY | O_DIRECTORY, 0, "O_DIRECTORY"},
    {O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0, "O_NOFOLLOW|O_NONBLOCK"},
    {O_WRONLY, 1, "O_WRONLY"},
    {O_RDWR, 1, "O_RDWR"},
    {O_RDONLY | O_CREAT, 1, "O_CREAT"},
    {O_RDONLY | O_TRUNC, 1, "O_TRUNC"},
    {O_RDONLY | O_APPEND, 1, "O_APPEND"},
    {O_WRONLY | O_CREAT | O_EXCL, 1, "O_CREAT|O_EXCL"},
#ifdef O_TMPFILE
    {O_TMPFILE | O_RDWR, 1, "O_TMPFILE|O_RDWR"},
#endif
};

static void
test_flags(void)
{
    for (size_t i = 0; i < sizeof(flags_rows) / sizeof(flags_rows[0]); i++) {
        const struct flags_row *r = &flags_rows[i];

        TAP_OK(hm_open_flags_write(r->flags) == r->want, "flags %s -> %d",
               r->what, r->want);
    }
}

struct mode_row {
    const char *mode;
    int want;
};

static const struct mode_row mode_rows[] = {
    {"r", 0},  {"rb", 0}, {"rt", 0}, {"", 0},   {"w", 1},
    {"wb", 1}, {"a", 1},  {"x", 1},  {"r+", 1}, {"rb+", 1},
};

static void
test_modes(void)
{
    for (size_t i = 0; i < sizeof(mode_rows) / sizeof(mode_rows[0]); i++) {
        const struct mode_row *r = &mode_rows[i];

        TAP_OK(hm_open_mode_write(r->mode, strlen(r->mode)) == r->want,
               "mode \"%s\" -> %d", r->mode, r->want);
    }
}

static void
test_devices(void)
{
    TAP_OK(hm_path_is_sink("/dev/null", 9), "sink /dev/null");
    TAP_OK(hm_path_is_sink("/dev//stderr", 12), "sink /dev//stderr");
    TAP_OK(hm_path_is_sink("/dev/tty", 8), "sink /dev/tty");
    TAP_OK(!hm_path_is_sink("/dev/sda", 8), "not a sink: /dev/sda");
    TAP_OK(!hm_path_is_sink("/dev/nullx", 10), "not a sink: /dev/nullx");
    TAP_OK(!hm_path_is_sink("/dev/urandom", 12), "not a sink: /dev/urandom");
    TAP_OK(!hm_path_is_sink("dev/null", 8), "not a sink: relative");
    TAP_OK(hm_path_is_source("/dev/urandom", 12), "source /dev/urandom");
    TAP_OK(hm_path_is_source("/dev/stdin", 10), "source /dev/stdin");
    TAP_OK(!hm_path_is_source("/dev/mem", 8), "not a source: /dev/mem");
    TAP_OK(hm_path_is_source("/x/./../dev/./urandom", 21),
           "source through . and ..");
    TAP_OK(!hm_path_is_source("/work/files/f042.txt", 20),
           "not a source: no dev in it");
    TAP_OK(hm_path_is_named("/dev/./stdout", 13, "/dev/stdout"),
           "named /dev/./stdout");
    TAP_OK(!hm_path_is_named("/dev/stderr", 11, "/dev/stdout"),
           "not named: /dev/stderr");
}

struct sqlite_row {
    const char *db;
    int uri;
    int rc;
    enum hm_sqlite_kind kind;
    const char *path;
};

static const struct sqlite_row sqlite_rows[] = {
    {":memory:", 0, 0, HM_SQLITE_MEMORY, NULL},
    {"", 0, 0, HM_SQLITE_MEMORY, NULL},
    {"/tmp/x.db", 0, 0, HM_SQLITE_WRITE, "/tmp/x.db"},
    {"x.db", 0, 0, HM_SQLITE_WRITE, "x.db"},
    {"file:/tmp/x.db?mode=ro", 0, 0, HM_SQLITE_WRITE,
     "file:/tmp/x.db?mode=ro"},
    {"file:/tmp/x.db?mode=ro", 1, 0, HM_SQLITE_READ, "/tmp/x.db"},
    {"file:///tmp/x.db?mode=ro", 1, 0, HM_SQLITE_READ, "/tmp/x.db"},
    {"file://localhost/tmp/x.db?immutable=1", 1, 0, HM_SQLITE_READ,
     "/tmp/x.db"},
    {"file:/tmp/x.db", 1, 0, HM_SQLITE_WRITE, "/tmp/x.db"},
    {"file:/tmp/x.db?mode=rw", 1, 0, HM_SQLITE_WRITE, "/tmp/x.db"},
    {"file:/tmp/x.db?mode=ro&mode=rwc", 1, 0, HM_SQLITE_WRITE, "/tmp/x.db"},
    {"file:/tmp/x.db?mode=rwc&mode=ro", 1, 0, HM_SQLITE_READ, "/tmp/x.db"},
    {"file:/tmp/x.db?xmode=ro", 1, 0, HM_SQLITE_WRITE, "/tmp/x.db"},
    {"file:/tmp/a%20b.db?mode=ro", 1, 0, HM_SQLITE_READ, "/tmp/a b.db"},
    {"file:/tmp/x.db#mode=ro", 1, 0, HM_SQLITE_WRITE, "/tmp/x.db"},
    {"file:x.db?mode=ro", 1, 0, HM_SQLITE_READ, "x.db"},
    {"file::memory:", 1, 0, HM_SQLITE_MEMORY, NULL},
    {"file:x?mode=memory", 1, 0, HM_SQLITE_MEMORY, NULL},
    {"file://evil.host/x.db", 1, -1, HM_SQLITE_WRITE, NULL},
    {"file:/tmp/%00x", 1, -1, HM_SQLITE_WRITE, NULL},
};

static void
test_sqlite(void)
{
    char path[64];

    for (size_t i = 0; i < sizeof(sqlite_rows) / sizeof(sqlite_rows[0]); i++) {
        const struct sqlite_row *r = &sqlite_rows[i];
        enum hm_sqlite_kind kind = HM_SQLITE_WRITE;
        int rc = hm_sqlite_classify(r->db, strlen(r->db), r->uri, path,
                                    sizeof(path), &kind);

        TAP_OK(rc == r->rc && (rc < 0 || kind == r->kind),
               "sqlite \"%s\" uri=%d -> rc %d kind %d", r->db, r->uri, r->rc,
               (int)r->kind);
        if (rc == 0 && r->path != NULL) {
            TAP_STREQ(path, r->path, "sqlite \"%s\" path", r->db);
        }
    }
}

int
main(void)
{
    test_normalize();
    test_normalize_limits();
    test_join();
    test_inside();
    test_flags();
    test_modes();
    test_devices();
    test_sqlite();
    return tap_done();
}
