/*
 * test_preload.c: LD_PRELOAD entries as ld.so splits them (preload.h).
 */
#include "preload.h"
#include "tap.h"

#define SHIM "/venv/lib/hermetic/_hermetic_shim.so"

struct has_row {
    const char *list;
    const char *path;
    int want;
};

static const struct has_row has_rows[] = {
    {SHIM, SHIM, 1},
    {"/a.so:" SHIM, SHIM, 1},
    {SHIM ":/a.so", SHIM, 1},
    {"/a.so " SHIM " /b.so", SHIM, 1},
    {"::" SHIM "::", SHIM, 1},
    {"", SHIM, 0},
    {NULL, SHIM, 0},
    /* a longer entry that only contains the path is another file */
    {SHIM ".off", SHIM, 0},
    {"/x" SHIM, SHIM, 0},
    {"/a.so:" SHIM "x:/b.so", SHIM, 0},
    /* ld.so would split these paths: never found, whatever the list */
    {"/my dir/shim.so", "/my dir/shim.so", 0},
    {"/c:d/shim.so", "/c:d/shim.so", 0},
    {"shim.so", "shim.so", 0},
    {"/x$LIB/shim.so", "/x$LIB/shim.so", 0},
};

static void
test_has(void)
{
    for (size_t i = 0; i < sizeof(has_rows) / sizeof(has_rows[0]); i++) {
        const struct has_row *r = &has_rows[i];

        TAP_OK(hm_preload_has(r->list, r->path) == r->want,
               "has(\"%s\", \"%s\") is %d", r->list ? r->list : "(null)",
               r->path, r->want);
    }
}

static void
test_spellable(void)
{
    TAP_OK(hm_preload_spellable(SHIM), "an absolute plain path");
    TAP_OK(!hm_preload_spellable("/home/me/My Projects/.venv/shim.so"),
           "a space");
    TAP_OK(!hm_preload_spellable("/srv/c:d/shim.so"), "a colon");
    TAP_OK(!hm_preload_spellable("/srv/x$LIB/shim.so"), "a '$'");
    TAP_OK(!hm_preload_spellable("lib/shim.so"), "a relative path");
    TAP_OK(!hm_preload_spellable(""), "nothing");
}

static void
test_fcap(void)
{
    /* revision 2, effective, one capability; the same without the flag */
    static const unsigned char eff[20] = {0x01, 0x00, 0x00, 0x02, 0x00, 0x04};
    static const unsigned char plain[20] = {0x00, 0x00, 0x00,
                                            0x02, 0x00, 0x04};
    static const unsigned char v3[24] = {0x01, 0x00, 0x00, 0x03};

    TAP_OK(hm_fcap_effective(eff, sizeof(eff)), "effective flag, v2");
    TAP_OK(hm_fcap_effective(v3, sizeof(v3)), "effective flag, v3");
    TAP_OK(!hm_fcap_effective(plain, sizeof(plain)), "no effective flag");
    TAP_OK(!hm_fcap_effective(eff, -1), "no attribute");
    TAP_OK(!hm_fcap_effective(eff, 3), "too short");
}

int
main(void)
{
    test_has();
    test_spellable();
    test_fcap();
    return tap_done();
}
