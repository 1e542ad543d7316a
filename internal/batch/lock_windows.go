//go:build windows

package batch

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockOffsetHigh places the lock at byte 2⁶² of the manifest (the high
// half of the offset): Windows enforces byte-range locks on reads and
// writes, so the lock is far past any manifest's end, where neither a
// reader (batch status, batch results) nor this process's own appends
// ever go. Locking past the end of a file is allowed.
const lockOffsetHigh = 1 << 30

// lockFile takes an exclusive lock on the manifest for as long as it is
// open, so that two coreclaws cannot append to one batch at once. Windows
// drops it when the file is closed or the process ends, however it ends.
func lockFile(f *os.File) error {
	ol := windows.Overlapped{OffsetHigh: lockOffsetHigh}
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return errLocked
	}
	return err
}
