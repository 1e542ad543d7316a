//go:build !linux

package main

import (
	"errors"
	"os"
)

// The README's console examples run on a Linux pseudo-terminal; elsewhere
// TestREADME is skipped (CI runs it on Linux).

func openPTY() (master, tty *os.File, err error) {
	return nil, nil, errors.New("not implemented on this system")
}

func ptySupported() error { _, _, err := openPTY(); return err }

func isPTYClosed(error) bool { return false }
