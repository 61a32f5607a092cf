/*
 * fuzz_preload.c: hm_preload_has on an arbitrary list and path (the input
 * split at its first NUL): it reads only the two strings, and a path it
 * finds is spellable and a substring of the list.  And hm_fcap_effective
 * on the input as an attribute: it reads only inside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "preload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 2);
    char *path;

    (void)hm_fcap_effective(data, (long)size);

    if (buf == NULL) {
        return 0;
    }
    memcpy(buf, data, size);
    buf[size] = buf[size + 1] = '\0';
    path = buf + strlen(buf) + 1;
    if (path > buf + size) {
        path = buf + size + 1;
    }
    if (hm_preload_has(buf, path) &&
        (!hm_preload_spellable(path) || strstr(buf, path) == NULL)) {
        abort();
    }
    free(buf);
    return 0;
}
