package export

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/coreclaw/coreclaw/internal/atomicfile"
)

// writeFile streams src into path so that path only ever holds a complete
// file: it is renamed into place once every byte announced (size, when not
// -1) has arrived and been flushed. On any failure path is untouched.
func writeFile(ctx context.Context, path string, force bool, src io.Reader, size int64) (int64, error) {
	tmp, err := atomicfile.Create(path, 0o666)
	if err != nil {
		return 0, err
	}
	defer tmp.Abort()
	n, err := io.Copy(tmp, src)
	if err != nil {
		return n, err
	}
	if size >= 0 && n != size {
		return n, fmt.Errorf("download incomplete: got %d of %d bytes", n, size)
	}
	if err := ctx.Err(); err != nil {
		return n, err
	}
	if !force {
		// Checked before the download too; this catches a file that
		// appeared meanwhile.
		if _, serr := os.Lstat(path); serr == nil {
			return n, fmt.Errorf("%s appeared while downloading; not replacing it (pass --force to)", path)
		}
	}
	return n, tmp.Commit()
}
