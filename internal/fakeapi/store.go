package fakeapi

import (
	"fmt"
	"net/http"
)

func (s *Server) storeRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /api/v2/store", s.handleWorkerList)
	m.HandleFunc("GET /api/v2/workers", s.handleWorkerList)
	m.HandleFunc("GET /api/v2/workers/{workerId}", s.handleWorkerDetail)
	m.HandleFunc("GET /api/v2/users/account", s.handleAccount)
}

// handleWorkerList is the public Store (Workers marked Store) and the
// caller's own Workers (marked Own): {scraper: [...]}, with no total.
func (s *Server) handleWorkerList(w http.ResponseWriter, r *http.Request) {
	offset, limit := pageParams(r)
	keyword := r.URL.Query().Get("keyword")
	store := r.URL.Path == "/api/v2/store"
	s.respond(w, func() (any, *fakeErr) {
		var matched []*Worker
		for _, wk := range s.workers {
			if (store && !wk.Store) || (!store && !wk.Own) {
				continue
			}
			if keyword != "" && !containsFold(wk.Title, keyword) && !containsFold(wk.Slug, keyword) && !containsFold(wk.Path(), keyword) {
				continue
			}
			matched = append(matched, wk)
		}
		_, a, b := s.pageBounds(offset, limit, len(matched))
		list := make([]map[string]any, 0, b-a)
		for _, wk := range matched[a:b] {
			list = append(list, map[string]any{
				"slug":        wk.Slug,
				"name":        wk.Name,
				"path":        wk.Path(),
				"title":       wk.Title,
				"username":    wk.Owner,
				"description": wk.Description,
			})
		}
		return map[string]any{"scraper": list}, nil
	})
}

func (s *Server) handleWorkerDetail(w http.ResponseWriter, r *http.Request) {
	s.respond(w, func() (any, *fakeErr) {
		wk := findWorker(s.workers, r.PathValue("workerId"))
		if wk == nil {
			return nil, badRequest(50001)
		}
		return map[string]any{
			"name":     wk.Name,
			"username": wk.Owner,
			"version":  wk.Version,
			"readme":   fmt.Sprintf("# %s\n\n%s\n", wk.Title, wk.Description),
			"parameters": map[string]any{
				"custom": wk.Schema,
				"system": map[string]any{"proxy_region": "US"},
			},
		}, nil
	})
}

// AddWorkers adds n generated Workers to the catalogue, in the Store or
// among the caller's own, for scripts that page through long lists.
func (s *Server) AddWorkers(n int, own bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	base := len(s.workers)
	for i := 1; i <= n; i++ {
		k := base + i
		s.workers = append(s.workers, &Worker{
			Slug: fmt.Sprintf("01KFAKEBULK%015d", k), Owner: "bulk", Name: fmt.Sprintf("worker-%03d", k),
			Title: fmt.Sprintf("Bulk Worker %03d", k), Description: "A generated Worker (fake)", Version: "v1.0.0",
			Scenario: Scenario{Outcome: "succeeded", ReadyPolls: 1, RunningPolls: 1, Rows: 1, RowKind: "plain"},
			Store:    !own, Own: own,
		})
	}
}

// handleAccount is the balance (a numeric string) and its expiry (Unix
// seconds).
func (s *Server) handleAccount(w http.ResponseWriter, r *http.Request) {
	s.writeOK(w, map[string]any{"balance": "2.7129", "balance_expiration_at": 1812418930})
}
