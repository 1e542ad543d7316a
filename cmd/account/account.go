// Package account is `coreclaw account`: the balance, its expiry, and a
// check that the key works.
package account

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/text"
)

// Options are everything `account` needs.
type Options struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Output    output.Flags
}

// NewCmdAccount builds the command; runF replaces the action in tests.
func NewCmdAccount(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "account",
		Short: "Show the account's balance and when it expires",
		Long: `Show the account's balance (USD) and when it expires. It is also the
quickest check that the API key works: a rejected key exits 4.

On a terminal "balance" and "expires" (RFC 3339, UTC); elsewhere JSON as
the API sent it: {"balance": "2.7129", "balance_expiration_at": 1812418930}
(a numeric string, and Unix seconds).`,
		Example: `  coreclaw account
  coreclaw account --jq .balance
  coreclaw account > /dev/null && echo "the key works"`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	output.AddFlags(cmd, &opts.Output)
	return cmd
}

// Run reads and prints the account.
func Run(ctx context.Context, opts *Options) error {
	printer, err := opts.Output.Printer(opts.IO)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	acc, err := client.Account(ctx)
	if err != nil {
		return err
	}
	if printer.Format != output.Table {
		return printer.Value(ctx, acc)
	}
	expires := text.Timestamp(int64(acc.BalanceExpirationAt))
	if expires == "" {
		expires = "never"
	}
	view := &jsonobj.Object{}
	view.Set("balance", jsonobj.String(string(acc.Balance)))
	view.Set("expires", jsonobj.String(expires))
	return printer.Value(ctx, view)
}
