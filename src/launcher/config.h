/*
 * config.h: adding [tool.hermetic] from a pyproject.toml to the command
 * line's policy, when the command line asks for it (--config FILE, or a
 * --profile that is not built in, looked up in ./pyproject.toml).
 */
#ifndef HERMETIC_CONFIG_H
#define HERMETIC_CONFIG_H

#include "cli.h"

/*
 * Merges the file's default fields and the custom profiles named on the
 * command line into cli->policy, by union: a file only adds.  python is
 * hermetic's interpreter, which parses the file; pkg the package's
 * directory.  Returns 0 (also when nothing was asked), or -1 with e
 * filled; cli->policy is then not to be used.
 */
int hm_config_apply(struct hm_cli *cli, const char *python, const char *pkg,
                    struct hm_cli_error *e);

#endif
