/*
 * pathmatch.h: the pure part of the filesystem guard (SPEC section 3,
 * "Filesystem"): lexical path normalisation, "is P inside ROOT" at a
 * component boundary, what an open asks for, and what an sqlite3
 * database name opens.
 *
 * Pure C: no CPython, no system calls.  Paths are bytes, not necessarily
 * NUL-terminated on input; outputs are NUL-terminated.  Resolving
 * symbolic links needs the filesystem and is the caller's job.
 */
#ifndef HERMETIC_PATHMATCH_H
#define HERMETIC_PATHMATCH_H

#include <stddef.h>

/*
 * Normalises an absolute path lexically: "//" and "/./" collapse, ".."
 * removes the component before it ("/.." stays "/"), no trailing slash
 * except for "/" itself.  Writes at most cap bytes, NUL included.
 * Returns the length, or -1 when in is not absolute, holds a NUL byte, or
 * the result does not fit.
 */
long hm_path_normalize(const char *in, size_t len, char *out, size_t cap);

/*
 * base + "/" + rel, normalised as above; rel alone when it is absolute.
 * base must be absolute.  Same returns as hm_path_normalize.
 */
long hm_path_join(const char *base, const char *rel, size_t rlen, char *out,
                  size_t cap);

/* 1 when the normalised path equals root or lies under it at a component
 * boundary ("/a/bc" is not inside "/a/b"); root "/" holds everything. */
int hm_path_inside(const char *path, size_t plen, const char *root,
                   size_t rlen);

/* 1 when os.open flags ask for anything but reading: O_WRONLY, O_RDWR,
 * O_CREAT, O_TRUNC, O_APPEND or O_TMPFILE. */
int hm_open_flags_write(int flags);

/* 1 when an open() mode holds w, a, x or +. */
int hm_open_mode_write(const char *mode, size_t len);

/* Devices that hold no data of the user's: a write-open of one of these
 * (the path as given, normalised) keeps working under --fs-readonly:
 * /dev/null, /dev/zero, /dev/tty, /dev/stdout, /dev/stderr. */
int hm_path_is_sink(const char *path, size_t len);

/* Devices that may be read outside ROOT: the sinks, /dev/stdin,
 * /dev/random and /dev/urandom. */
int hm_path_is_source(const char *path, size_t len);

/* 1 when path, normalised lexically, is name ("/dev/stdout"). */
int hm_path_is_named(const char *path, size_t len, const char *name);

/* What sqlite3.connect opens. */
enum hm_sqlite_kind {
    HM_SQLITE_MEMORY, /* ":memory:", "", mode=memory: no file */
    HM_SQLITE_READ,   /* a URI with mode=ro or immutable=1 */
    HM_SQLITE_WRITE,  /* anything else: read-write, created if missing */
};

/*
 * Classifies an sqlite3 database name.  uri says whether it is read as a
 * "file:" URI (sqlite3.connect(..., uri=True)).  For READ and WRITE, the
 * file's path (percent-decoded for a URI) is written to path (cap bytes,
 * NUL included); -1 when it does not fit or is not a valid URI.
 */
int hm_sqlite_classify(const char *db, size_t len, int uri, char *path,
                       size_t cap, enum hm_sqlite_kind *kind);

#endif
