//go:build !unix

package scripttest

import "github.com/rogpeppe/go-internal/testscript"

// Named pipes exist only on Unix; scripts that use them start with [!unix] skip.
func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	ts.Fatalf("mkfifo: named pipes need a Unix system")
}

func cmdFifo(ts *testscript.TestScript, neg bool, args []string) {
	ts.Fatalf("fifo: named pipes need a Unix system")
}
