package fakeapi

import (
	"net/http"
	"time"
)

// stampDate sets the reply's Date header as the variants say. The header
// is compared with the client's real clock (doctor's skew check), so it
// follows the wall clock, not the fake's scripted one; net/http fills it
// in by itself when nothing is set.
func (s *Server) stampDate(h http.Header) {
	v := s.Variants()
	switch {
	case v.NoDateHeader:
		h["Date"] = nil // tells net/http not to add one
	case v.ClockSkew != 0:
		h.Set("Date", time.Now().Add(v.ClockSkew).UTC().Format(http.TimeFormat))
	}
}
