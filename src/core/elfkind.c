/*
 * elfkind.c: ELF header and program header table, read from a buffer
 * (see elfkind.h).  Every offset is checked against the buffer before it
 * is read.
 */
#include "elfkind.h"

#include <elf.h>
#include <string.h>

#if defined(__x86_64__)
#define HM_ELF_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define HM_ELF_MACHINE EM_AARCH64
#else
#define HM_ELF_MACHINE EM_NONE
#endif

/* 1 when the count entries of size at off fit in n bytes. */
static int
table_fits(size_t n, Elf64_Off off, size_t size, size_t count)
{
    return off <= n && size != 0 && count <= (n - off) / size;
}

static enum hm_elf_kind
program_kind(const unsigned char *buf, size_t n, const Elf64_Ehdr *eh)
{
    if (eh->e_phentsize != sizeof(Elf64_Phdr) ||
        !table_fits(n, eh->e_phoff, sizeof(Elf64_Phdr), eh->e_phnum)) {
        return HM_ELF_BAD;
    }
    for (size_t i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr ph;

        memcpy(&ph, buf + eh->e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type == PT_INTERP) {
            return HM_ELF_DYNAMIC;
        }
    }
    return HM_ELF_STATIC;
}

enum hm_elf_kind
hm_elf_kind(const unsigned char *buf, size_t n)
{
    Elf64_Ehdr eh;

    if (n < SELFMAG || memcmp(buf, ELFMAG, SELFMAG) != 0) {
        return HM_ELF_NONE;
    }
    if (n < EI_NIDENT || buf[EI_CLASS] != ELFCLASS64) {
        return n < EI_NIDENT ? HM_ELF_BAD : HM_ELF_FOREIGN;
    }
    if (n < sizeof(eh)) {
        return HM_ELF_BAD;
    }
    memcpy(&eh, buf, sizeof(eh));
    if (eh.e_machine != HM_ELF_MACHINE) {
        return HM_ELF_FOREIGN;
    }
    return program_kind(buf, n, &eh);
}

/* 1 when the segment's bytes lie inside a file of size bytes. */
static int
segment_inside(const Elf64_Phdr *ph, unsigned long long size)
{
    return ph->p_offset <= size && ph->p_filesz <= size - ph->p_offset;
}

const char *
hm_elf_library_fault(const unsigned char *buf, size_t n,
                     unsigned long long size)
{
    Elf64_Ehdr eh;
    int dynamic = 0;

    switch (hm_elf_kind(buf, n)) {
    case HM_ELF_NONE:
        return "not an ELF file";
    case HM_ELF_FOREIGN:
        return "built for another architecture";
    case HM_ELF_BAD:
        return "truncated or malformed headers";
    default:
        break;
    }
    memcpy(&eh, buf, sizeof(eh));
    if (eh.e_type != ET_DYN) {
        return "not a shared library";
    }
    /* hm_elf_kind checked that the program header table fits in buf. */
    for (size_t i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;

        memcpy(&ph, buf + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_LOAD && ph.p_type != PT_DYNAMIC) {
            continue;
        }
        if (!segment_inside(&ph, size)) {
            return "truncated";
        }
        dynamic |= ph.p_type == PT_DYNAMIC;
    }
    return dynamic ? NULL : "not a shared library";
}
