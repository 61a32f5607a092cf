/*
 * summary.h: the summary of an observed run (hermetic --observe).
 *
 * Every guarded process of the run appends one JSON report per blocked or
 * observed action to a shared log (trace.h, hm_report_json); when the
 * top-level target exits, this turns the log into a few lines for
 * stderr: counts per guard, the distinct hosts, paths (collapsed by
 * directory when many), modules, variables and APIs, and the flags that
 * would let the run pass, ready to paste.
 *
 * Pure C: no CPython, no system calls.
 */
#ifndef HERMETIC_SUMMARY_H
#define HERMETIC_SUMMARY_H

#include <stddef.h>

#include "policy.h"

/*
 * Summarises len bytes of log (JSON lines; lines that are not reports are
 * skipped) for the run of stack s.  The suggested flags start from the
 * observing policies of s (all of s when none observes), add an
 * allowance for each host, variable and written directory, and drop the
 * blocks that no allowance can narrow.  Returns malloc'd text ending in a
 * newline, or NULL when out of memory.
 */
char *hm_summary(const char *log, size_t len, const struct hm_stack *s);

#endif
