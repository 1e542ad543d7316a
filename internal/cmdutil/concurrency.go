package cmdutil

import (
	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
)

// concurrencyUsage is the help of --concurrency, wherever result rows are
// fetched.
const concurrencyUsage = "fetch up to `N` pages of results at once, 1-16 (1: one at a time); rows still come in order"

// AddConcurrencyFlag adds --concurrency: how many result pages are
// fetched at once (api.DefaultInFlight unless told).
func AddConcurrencyFlag(cmd *cobra.Command, n *int) {
	cmd.Flags().IntVar(n, "concurrency", api.DefaultInFlight, concurrencyUsage)
}

// CheckConcurrency validates --concurrency.
func CheckConcurrency(n int) error {
	if n < 1 || n > api.MaxInFlight {
		return UsageErrorf("--concurrency must be between 1 and %d, not %d", api.MaxInFlight, n)
	}
	return nil
}
