/*
 * fuzz_elf.c: hm_elf_kind and hm_elf_library_fault on arbitrary bytes:
 * they read only inside the buffer; the kind is always one of the kinds,
 * and a library that passes has a dynamic segment inside the file.
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
    /* The same bytes as a whole file, and as the start of a longer one. */
    if (hm_elf_library_fault(data, size, size) == NULL &&
        kind != HM_ELF_STATIC && kind != HM_ELF_DYNAMIC) {
        abort();
    }
    (void)hm_elf_library_fault(data, size, (unsigned long long)size * 2);
    return 0;
}
