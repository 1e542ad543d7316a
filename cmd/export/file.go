package export

import (
	"context"
	"fmt"
	"io"

	"github.com/coreclaw/coreclaw/internal/atomicfile"
)

// writeFile streams src into tmp and renames it to path, so that path only
// ever holds a complete file: only once every byte announced (size, when
// not -1) has arrived and been flushed. On any failure path is untouched
// (the caller removes tmp).
func writeFile(ctx context.Context, tmp *atomicfile.File, path string, force bool, src io.Reader, size int64) (int64, error) {
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
	// Checked before the download too; this catches what appeared
	// meanwhile.
	kind, err := inspectTarget(path)
	if err != nil {
		return n, fmt.Errorf("cannot write %s: %v", path, err)
	}
	if err := refuseKind(path, kind); err != nil {
		return n, err
	}
	if kind == targetRegular && !force {
		return n, fmt.Errorf("%s appeared while downloading; not replacing it (pass --force to)", path)
	}
	return n, tmp.Commit()
}
