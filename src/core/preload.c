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
