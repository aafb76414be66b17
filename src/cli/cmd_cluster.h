/* cmd_cluster.h: the ParallelCluster subcommands of `gcrunner cluster`
 * (cmd_cluster_pc.c), dispatched from cmd_cluster.c. */
#ifndef GCR_CLI_CMD_CLUSTER_H
#define GCR_CLI_CMD_CLUSTER_H

#include "cli/cli.h"

extern const struct cli_command cli_cmd_cluster;

/* argv[0] is the subcommand's name; exit statuses as every command. */
int gcr_cli_cluster_create(const struct cli_context *ctx, int argc, char **argv);
int gcr_cli_cluster_status(const struct cli_context *ctx, int argc, char **argv);
int gcr_cli_cluster_delete(const struct cli_context *ctx, int argc, char **argv);

#endif
