//go:build race

// Package race says whether the race detector is built in, for tests that
// push tens of megabytes through code no other goroutine touches (memory
// bounds, very long lines): under the detector they take ten times as long
// and prove nothing more, so they skip there; `make test` also runs every
// test without the detector.
package race

// Enabled is true in a binary built with -race.
const Enabled = true
