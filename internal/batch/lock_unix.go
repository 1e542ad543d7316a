//go:build unix

package batch

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on the manifest for as long
// as it is open, so that two coreclaws cannot append to one batch at once.
// The system drops the lock when the process ends, however it ends (a
// SIGKILL leaves no stale lock behind).
func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}
