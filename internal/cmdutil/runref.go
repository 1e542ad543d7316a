package cmdutil

import (
	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
)

// RunArgHelp explains the RUN argument, for the Long help of commands that
// take one.
const RunArgHelp = `RUN is a run slug, "last" for the account's newest run, or "last --worker
WORKER" for the newest run of one Worker.`

// AddRunWorkerFlag adds --worker, which scopes the RUN "last" to a Worker.
func AddRunWorkerFlag(cmd *cobra.Command, worker *string) {
	cmd.Flags().StringVar(worker, "worker", "", "with RUN \"last\": the newest run of this `WORKER`")
}

// ParseRunRef reads a RUN argument and the --worker flag; a mistake in
// either is a usage error.
func ParseRunRef(run, worker string) (api.RunRef, error) {
	var w api.WorkerID
	if worker != "" {
		id, err := api.ParseWorkerID(worker)
		if err != nil {
			return api.RunRef{}, UsageError(err)
		}
		w = id
	}
	ref, err := api.ParseRunRef(run, w)
	if err != nil {
		return api.RunRef{}, UsageError(err)
	}
	return ref, nil
}
