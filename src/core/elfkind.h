/*
 * elfkind.h: what kind of program a file's first bytes make, for the
 * kernel tier: the preload library that applies it loads only into
 * dynamically linked programs of this architecture.  Pure C.
 */
#ifndef HERMETIC_ELFKIND_H
#define HERMETIC_ELFKIND_H

#include <stddef.h>

enum hm_elf_kind {
    HM_ELF_NONE,    /* not ELF: a script, run by its interpreter */
    HM_ELF_DYNAMIC, /* has a program interpreter: the preload loads */
    HM_ELF_STATIC,  /* no program interpreter (static, static-pie) */
    HM_ELF_FOREIGN, /* another class or machine than this build */
    HM_ELF_BAD,     /* truncated or malformed headers */
};

/* Reads the ELF and program headers in buf[0..n) (the file's start). */
enum hm_elf_kind hm_elf_kind(const unsigned char *buf, size_t n);

/*
 * Whether buf[0..n), the start of a file of size bytes, is a shared
 * library ld.so can map into a program of this build: this class and
 * machine, ET_DYN with a dynamic segment, and every segment it maps
 * inside the file.  NULL when it is; else why not ("truncated", ...).
 */
const char *hm_elf_library_fault(const unsigned char *buf, size_t n,
                                 unsigned long long size);

#endif
