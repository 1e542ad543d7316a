package fakeapi

import "fmt"

// runSlug names the nth run (from 1): the Options' RunSlugs first, then
// a counted ULID-shaped slug (26 characters of Crockford base32, as the
// API writes them) that keeps scripts reproducible. Callers hold s.mu.
func (s *Server) runSlug(n int) string {
	if n >= 1 && n <= len(s.runSlugs) {
		return s.runSlugs[n-1]
	}
	return fmt.Sprintf("01KFAKER%018d", n)
}

// taskSlug names the nth task (from 1), as runSlug does runs.
func (s *Server) taskSlug(n int) string {
	if n >= 1 && n <= len(s.taskSlugs) {
		return s.taskSlugs[n-1]
	}
	return fmt.Sprintf("01KFAKETASK%015d", n)
}
