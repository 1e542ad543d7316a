//go:build !unix && !windows

package batch

import "os"

// lockFile does nothing where advisory locks are not available: one
// coreclaw at a time on a manifest is then the user's to keep.
func lockFile(*os.File) error { return nil }
