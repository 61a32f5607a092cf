/*
 * preload.h: the LD_PRELOAD list as ld.so reads it.  ld.so splits the
 * list on spaces and colons, so a path holding either cannot be one entry:
 * the pieces are tried as separate files, fail, and are skipped.  It also
 * expands $ORIGIN, $LIB and $PLATFORM in an entry, so a path with a '$'
 * may name another file.  Pure C.
 */
#ifndef HERMETIC_PRELOAD_H
#define HERMETIC_PRELOAD_H

/* The characters ld.so splits LD_PRELOAD on. */
#define HM_PRELOAD_SEPARATORS " :"

/* 1 when path can be one LD_PRELOAD entry: absolute, no separator and
 * no '$'. */
int hm_preload_spellable(const char *path);

/* 1 when list (NULL for none) holds path as a whole entry, as ld.so would
 * split it; 0 for a path that is not spellable. */
int hm_preload_has(const char *list, const char *path);

/*
 * A file's "security.capability" attribute (buf[0..n), n < 0 for none) as
 * exec reads it: 1 when it sets the effective flag.  exec then runs the
 * program in secure mode for any real user but root, no_new_privs or not,
 * and ld.so ignores LD_PRELOAD.
 */
int hm_fcap_effective(const unsigned char *buf, long n);

#endif
