// Command skeleton is the yardstick of coreclaw's start-up (make bench): a
// CLI as small as one can be with the libraries every CLI of its kind
// links (cobra, viper, spinner, color, net/http). It has a version, a run
// command with a few flags, and cobra's completion command, so that each
// path coreclaw is timed on has its twin here.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/briandowns/spinner"
	"github.com/fatih/color"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"
)

func main() {
	v := viper.New()
	v.SetEnvPrefix("SKELETON")
	v.AutomaticEnv()
	root := &cobra.Command{Use: "skeleton", Short: "A skeleton CLI", Version: "0.0.0", SilenceUsage: true}
	var wait bool
	var timeout time.Duration
	run := &cobra.Command{
		Use:   "run WORKER",
		Short: "Start a run",
		Long:  "Start a run of a Worker and, with --wait, wait for it to end.",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s := spinner.New(spinner.CharSets[14], 100*time.Millisecond, spinner.WithWriter(os.Stderr))
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.GetString("base_url"), nil)
			if err != nil {
				return err
			}
			s.Start()
			defer s.Stop()
			resp, err := (&http.Client{}).Do(req) // bounded by ctx
			if err != nil {
				return err
			}
			resp.Body.Close()
			fmt.Println(color.GreenString(resp.Status))
			return nil
		},
	}
	run.Flags().BoolVar(&wait, "wait", false, "wait for the run to end")
	run.Flags().DurationVar(&timeout, "timeout", time.Minute, "give up waiting after this long")
	run.Flags().StringP("output", "o", "", "output format")
	root.AddCommand(run)
	if err := root.Execute(); err != nil {
		os.Exit(1)
	}
}
