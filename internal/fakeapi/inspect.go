package fakeapi

// RunsCreated is how many runs exist: a test's proof that a start was not
// carried out twice.
func (s *Server) RunsCreated() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.runs)
}
