/*
 * fuzz_elf.c: hm_elf_kind on arbitrary bytes: it reads only inside the
 * buffer and always answers one of its kinds.
 */
#include <stdint.h>
#include <stdlib.h>

#include "elfkind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum hm_elf_kind kind = hm_elf_kind(data, size);

    if (kind > HM_ELF_BAD) {
        abort();
    }
    return 0;
}
