package fakeapi

import "net/http"

// chargeStartLocked takes one unit of a limited balance for a start that
// goes ahead, or refuses it with 30001 when none is left (REFERENCE §11:
// insufficient balance on a direct run). Callers hold s.mu.
func (s *Server) chargeStartLocked() (int, int, string) {
	if !s.variants.LimitedBalance {
		return 0, 0, ""
	}
	if s.variants.Balance <= 0 {
		return http.StatusBadRequest, 30001, "account balance is insufficient"
	}
	s.variants.Balance--
	return 0, 0, ""
}
