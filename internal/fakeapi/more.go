package fakeapi

import "net/http"

// Placeholders for the endpoints of the rest of the run lifecycle; each
// gets its own file as it is built.
type (
	download struct {
		body        []byte
		contentType string
	}
)

func (s *Server) moreRoutes(m *http.ServeMux) {}

func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	d, ok := s.downloads[r.URL.Path]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", d.contentType)
	w.Write(d.body)
}
