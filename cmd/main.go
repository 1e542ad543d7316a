// Package cmd runs the coreclaw command line: it wires the real process
// (streams, environment, signals) to the command tree and turns the result
// into an exit status.
package cmd

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/coreclaw/coreclaw/cmd/root"
	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// Main runs coreclaw with the process's arguments and returns the exit
// status.
func Main(info build.Info) int { return MainWith(info, nil) }

// MainWith is Main with a chance to adjust the factory before the command
// runs (the end-to-end tests pin the clock).
func MainWith(info build.Info, adjust func(*cmdutil.Factory)) int {
	ctx, stop := notifyInterrupts()
	defer stop()
	ios := iostreams.System(iostreams.EnvFrom(os.LookupEnv))
	f := cmdutil.New(build.Resolve(info), ios)
	if adjust != nil {
		adjust(f)
	}
	return Run(ctx, f, os.Args[1:])
}

// notifyInterrupts returns a context that the first Ctrl-C or SIGTERM
// cancels; a second one closes the channel that cmdutil.SecondInterrupt
// finds in it, for the steps that go on after the first (an abort).
func notifyInterrupts() (context.Context, func()) {
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(context.Background())
	again := make(chan struct{})
	done := make(chan struct{})
	go func() {
		select {
		case <-signals:
			cancel()
		case <-done:
			return
		}
		select {
		case <-signals:
			close(again)
		case <-done:
		}
	}()
	stop := func() {
		signal.Stop(signals)
		close(done)
		cancel()
	}
	return cmdutil.WithSecondInterrupt(ctx, again), stop
}

// Run executes one command line with the given factory and returns the exit
// status. Errors are printed here, once.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) (code int) {
	defer finish(f, &code)
	f.ProtectEnvKey()
	annotateInActions(f)
	rootCmd := root.NewCmdRootFor(f, args)
	rootCmd.SetArgs(args)
	_, err := rootCmd.ExecuteContextC(ctx)
	if err == nil {
		return cmdutil.ExitOK
	}
	// A request cut short by Ctrl-C surfaces as a network error or the
	// context's own error: either is the interruption.
	err = cmdutil.AsInterrupted(ctx, err)
	printError(f, err)
	return cmdutil.ExitCode(err)
}

func printError(f *cmdutil.Factory, err error) {
	cs := f.IOStreams.Stderr()
	msg, hint := cmdutil.Describe(err)
	fmt.Fprintf(f.IOStreams.ErrOut, "%s %s\n", cs.Red("error:"), iostreams.SanitizeLine(msg))
	if hint != "" {
		fmt.Fprintf(f.IOStreams.ErrOut, "%s %s\n", cs.Gray("hint:"), iostreams.SanitizeLine(hint))
	}
}
