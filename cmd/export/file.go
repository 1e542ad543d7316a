package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// writeFile streams src into path so that path only ever holds a complete
// file: the bytes go to a temporary file in the same directory (so the
// rename cannot cross file systems), which is renamed to path once every
// byte announced (size, when not -1) has arrived and been flushed. On any
// failure the temporary file is removed and path is untouched.
func writeFile(ctx context.Context, path string, force bool, src io.Reader, size int64) (n int64, err error) {
	tmp, err := createTemp(path)
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	n, err = io.Copy(tmp, src)
	if err != nil {
		return n, err
	}
	if size >= 0 && n != size {
		return n, fmt.Errorf("download incomplete: got %d of %d bytes", n, size)
	}
	if err = ctx.Err(); err != nil {
		return n, err
	}
	if err = tmp.Sync(); err != nil {
		return n, err
	}
	if err = tmp.Close(); err != nil {
		return n, err
	}
	if !force {
		// Checked before the download too; this catches a file that
		// appeared meanwhile.
		if _, serr := os.Lstat(path); serr == nil {
			return n, fmt.Errorf("%s appeared while downloading; not replacing it (pass --force to)", path)
		}
	}
	return n, os.Rename(tmp.Name(), path)
}

// createTemp creates ".NAME.RANDOM.part" beside path, with the usual
// permissions (0666 less the umask, as any new file), unlike
// os.CreateTemp's 0600.
func createTemp(path string) (*os.File, error) {
	dir, base := filepath.Split(path)
	for i := 0; i < 100; i++ {
		name := filepath.Join(dir, "."+base+"."+strconv.FormatUint(rand.Uint64()%1e10, 10)+".part")
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("cannot create a temporary file beside %s", path)
}
