//go:build unix

package scripttest

import (
	"os"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdMkfifo creates named pipes: mkfifo NAME...
func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: mkfifo NAME...")
	}
	for _, name := range args {
		ts.Check(syscall.Mkfifo(ts.MkAbs(name), 0o600))
	}
}

// cmdFifo is `fifo hold NAME`: open the FIFO for writing, which waits (up
// to 10s) until a reader has opened it, and keep it open without writing
// until the script ends. The reader is then blocked in a read that only
// an interrupt can end: a producer that has not finished.
func cmdFifo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || args[0] != "hold" {
		ts.Fatalf("usage: fifo hold NAME")
	}
	opened := make(chan *os.File, 1)
	errs := make(chan error, 1)
	go func() {
		f, err := os.OpenFile(ts.MkAbs(args[1]), os.O_WRONLY, 0)
		if err != nil {
			errs <- err
			return
		}
		opened <- f
	}()
	select {
	case f := <-opened:
		ts.Defer(func() { f.Close() })
	case err := <-errs:
		ts.Fatalf("fifo hold: %v", err)
	case <-time.After(10 * time.Second):
		ts.Fatalf("fifo hold: no reader opened %s within 10s", args[1])
	}
}
