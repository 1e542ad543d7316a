//go:build unix

package batch

const runtimeHasFlock = true
