//go:build !unix && !windows

package batch

const runtimeHasLock = false
