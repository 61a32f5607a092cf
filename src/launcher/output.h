/*
 * output.h: the files the launcher opens for a run's reports
 * (--trace-file, and the shared log of --observe).
 */
#ifndef HERMETIC_OUTPUT_H
#define HERMETIC_OUTPUT_H

#include "cli.h"
#include "policy.h"

/*
 * Opens what the command line asks for into out, which holds what was
 * inherited (a hermetic inside a guarded run keeps its outer files unless
 * it asks for its own).  The descriptors stay open across exec.  Returns
 * 0, or -1 with e filled.
 */
int hm_output_open(const struct hm_cli *cli, struct hm_output *out,
                   struct hm_cli_error *e);

#endif
