/*
 * preload.c: the LD_PRELOAD list as ld.so reads it.
 */
#include "preload.h"

#include <string.h>

int
hm_preload_spellable(const char *path)
{
    return path[0] == '/' && strpbrk(path, HM_PRELOAD_SEPARATORS "$") == NULL;
}

int
hm_preload_has(const char *list, const char *path)
{
    size_t n = strlen(path);
    const char *s = list;

    if (list == NULL || !hm_preload_spellable(path)) {
        return 0;
    }
    while (*s != '\0') {
        size_t len = strcspn(s, HM_PRELOAD_SEPARATORS);

        if (len == n && memcmp(s, path, n) == 0) {
            return 1;
        }
        s += len;
        s += *s != '\0';
    }
    return 0;
}

/* vfs_cap_data: a little-endian word of revision and flags first. */
#define FCAP_FLAGS_EFFECTIVE 0x000001u

int
hm_fcap_effective(const unsigned char *buf, long n)
{
    unsigned long magic;

    if (n < 4) {
        return 0;
    }
    magic = (unsigned long)buf[0] | (unsigned long)buf[1] << 8 |
            (unsigned long)buf[2] << 16 | (unsigned long)buf[3] << 24;
    return (magic & FCAP_FLAGS_EFFECTIVE) != 0;
}
