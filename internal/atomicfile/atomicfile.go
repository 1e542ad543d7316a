// Package atomicfile writes files that readers only ever see whole: the
// bytes go to a temporary file in the destination's directory (so that the
// rename cannot cross file systems), which is renamed over the destination
// once complete. On failure the temporary file is removed and the
// destination is untouched.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// File is a temporary file that becomes its destination on Commit.
type File struct {
	*os.File
	dest string
	done bool

	// written counts the bytes written through Write; writeback started
	// for those before flushed (see Write).
	written, flushed int64
	writeback        func(off, n int64)
}

// writeBehind is how many bytes a File takes in before it asks the system
// to start writing them to disk, without waiting (Linux): a large download
// then reaches the disk while it arrives, and Commit's flush waits only
// for the last few MiB rather than all of it.
const writeBehind = 4 << 20

// copyBuffer is the chunk ReadFrom copies in: fewer system calls than
// io.Copy's 32 KiB for a download of many MiB.
const copyBuffer = 256 << 10

// Write writes p and, every writeBehind bytes, starts the writeback of
// what came since the last time. Starting it is only a hint: its errors
// are ignored, and Commit's flush reports any failure to write.
func (f *File) Write(p []byte) (int, error) {
	n, err := f.File.Write(p)
	f.written += int64(n)
	if f.written-f.flushed >= writeBehind {
		f.writeback(f.flushed, f.written-f.flushed)
		f.flushed = f.written
	}
	return n, err
}

// ReadFrom copies r into the file through Write (so that io.Copy into a
// File starts the writeback as it goes, which *os.File's own ReadFrom
// would not).
func (f *File) ReadFrom(r io.Reader) (int64, error) {
	return io.CopyBuffer(struct{ io.Writer }{f}, r, make([]byte, copyBuffer))
}

// Create opens a new temporary file ".NAME.RANDOM.tmp" beside dest with
// the given permissions, less the umask, as for any new file (so never
// more open than perm).
func Create(dest string, perm os.FileMode) (*File, error) {
	dir, base := filepath.Split(dest)
	for i := 0; i < 100; i++ {
		name := filepath.Join(dir, "."+base+"."+strconv.FormatUint(rand.Uint64()%1e10, 10)+".tmp")
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			// Name the destination, not the temporary file.
			var pathErr *fs.PathError
			if errors.As(err, &pathErr) {
				return nil, &fs.PathError{Op: "create", Path: dest, Err: pathErr.Err}
			}
			return nil, err
		}
		file := &File{File: f, dest: dest}
		file.writeback = func(off, n int64) { startWriteback(f, off, n) }
		return file, nil
	}
	return nil, fmt.Errorf("cannot create a temporary file beside %s", dest)
}

// Commit flushes the file to disk and renames it over the destination.
func (f *File) Commit() error {
	if f.done {
		return errors.New("atomicfile: already committed or aborted")
	}
	f.done = true
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), f.dest); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// Abort removes the temporary file; it does nothing after Commit, so it
// can be deferred.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}

// WriteFile writes data to dest atomically with the given permissions.
func WriteFile(dest string, data []byte, perm os.FileMode) error {
	f, err := Create(dest, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Commit()
}
