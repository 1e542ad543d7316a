package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// queueItem is one item of the Run Queue (REFERENCE §8.9). Items wait
// until activated (a run starts) or released; either takes them out of
// the queue.
type queueItem struct {
	Ref         string
	Status      string // waiting or inactive
	Worker      *Worker
	Input       json.RawMessage
	Version     string
	CallbackURL string
	Created     time.Time
	Gone        bool // activated or released
}

func (s *Server) queueRoutes(m *http.ServeMux) {
	m.HandleFunc("POST /api/v2/workers/{workerId}/queued-runs", s.handleQueueRun)
	m.HandleFunc("GET /api/v2/run-queue/items", s.handleQueueList)
	m.HandleFunc("POST /api/v2/run-queue/items/activate", s.handleQueueActivate)
	m.HandleFunc("POST /api/v2/run-queue/items/release", s.handleQueueRelease)
	m.HandleFunc("POST /api/v2/run-queue/items/{queueId}/release", s.handleQueueRelease)
}

// addQueueItem queues a run; callers hold s.mu.
func (s *Server) addQueueItem(w *Worker, status string, input json.RawMessage, version, callback string) *queueItem {
	s.nextQueue++
	it := &queueItem{Ref: strconv.Itoa(123455 + s.nextQueue), Status: status, Worker: w, Input: input,
		Version: version, CallbackURL: callback, Created: s.now()}
	s.queue = append(s.queue, it)
	return it
}

// AddQueued puts an item of a Worker into the queue directly, in status
// waiting or inactive, for scripts. It returns the queue ref.
func (s *Server) AddQueued(workerID, status string) (string, error) {
	if status != "waiting" && status != "inactive" {
		return "", fmt.Errorf("queue status %q: want waiting or inactive", status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w := findWorker(s.workers, strings.Replace(workerID, "/", "~", 1))
	if w == nil {
		return "", fmt.Errorf("no fake Worker %q", workerID)
	}
	return s.addQueueItem(w, status, nil, "", "").Ref, nil
}

// handleQueueRun takes a RunWorkerRequest; is_async, limit and offset
// are ignored and the reply is never synchronous.
func (s *Server) handleQueueRun(w http.ResponseWriter, r *http.Request) {
	var body startBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.writeError(w, http.StatusBadRequest, 11000, "invalid argument", []string{err.Error()})
		return
	}
	if status, code, msg := checkRunInput(body.Input, body.Version); status != 0 {
		s.writeError(w, status, code, msg, nil)
		return
	}
	s.respond(w, func() (any, *fakeErr) {
		worker := findWorker(s.workers, r.PathValue("workerId"))
		if worker == nil {
			return nil, badRequest(50001)
		}
		it := s.addQueueItem(worker, "waiting", body.Input, body.Version, body.CallbackURL)
		return map[string]any{"queue_ref": it.Ref, "queue_status": it.Status, "queued": true}, nil
	})
}

func (s *Server) handleQueueList(w http.ResponseWriter, r *http.Request) {
	offset, limit := pageParams(r)
	status := r.URL.Query().Get("status")
	s.respond(w, func() (any, *fakeErr) {
		var matched []*queueItem
		for _, it := range s.queue { // oldest first: queue order
			if !it.Gone && (status == "" || it.Status == status) {
				matched = append(matched, it)
			}
		}
		pageIndex, a, b := s.pageBounds(offset, limit, len(matched))
		list := make([]map[string]any, 0, b-a)
		for _, it := range matched[a:b] {
			list = append(list, map[string]any{
				"queue_ref":    it.Ref,
				"queue_status": it.Status,
				"worker_slug":  it.Worker.Slug,
				"worker_title": it.Worker.Title,
				"created_at":   unix(it.Created),
			})
		}
		data := map[string]any{"list": list}
		s.pageMeta(data, len(matched), pageIndex, limit)
		return data, nil
	})
}

// findQueueItem finds an item still in the queue; callers hold s.mu.
func (s *Server) findQueueItem(ref string) *queueItem {
	for _, it := range s.queue {
		if it.Ref == ref && !it.Gone {
			return it
		}
	}
	return nil
}

func (s *Server) handleQueueActivate(w http.ResponseWriter, r *http.Request) {
	var body struct {
		QueueRefs []string `json:"queue_refs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.writeError(w, http.StatusBadRequest, 11000, "invalid argument", nil)
		return
	}
	s.respond(w, func() (any, *fakeErr) {
		results := make([]map[string]any, 0, len(body.QueueRefs))
		for _, ref := range body.QueueRefs {
			it := s.findQueueItem(ref)
			switch {
			case it == nil:
				results = append(results, queueFailure(ref, "queue item does not exist"))
			case it.Status != "waiting":
				results = append(results, queueFailure(ref, "queue item is not waiting"))
			default:
				s.newRun(it.Worker, it.Input, it.Version, it.CallbackURL)
				it.Gone = true
				results = append(results, map[string]any{"queue_ref": ref, "success": true})
			}
		}
		return s.queueResults(results), nil
	})
}

// handleQueueRelease serves both the batch and the one-item release.
func (s *Server) handleQueueRelease(w http.ResponseWriter, r *http.Request) {
	var body struct {
		QueueRefs []string `json:"queue_refs"`
		Reason    string   `json:"reason"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.writeError(w, http.StatusBadRequest, 11000, "invalid argument", nil)
		return
	}
	refs := body.QueueRefs
	if id := r.PathValue("queueId"); id != "" {
		refs = []string{id}
	}
	s.respond(w, func() (any, *fakeErr) {
		results := make([]map[string]any, 0, len(refs))
		for _, ref := range refs {
			if it := s.findQueueItem(ref); it != nil {
				it.Gone = true
				results = append(results, map[string]any{"queue_ref": ref, "success": true})
			} else {
				results = append(results, queueFailure(ref, "queue item does not exist"))
			}
		}
		return s.queueResults(results), nil
	})
}

func queueFailure(ref, msg string) map[string]any {
	return map[string]any{"queue_ref": ref, "success": false, "error": msg}
}

// queueResults is the reply's data: results[] (the audited pages) or,
// under the variant, {} (the spec's examples). Callers hold s.mu.
func (s *Server) queueResults(results []map[string]any) map[string]any {
	if s.variants.QueueNoResults {
		return map[string]any{}
	}
	return map[string]any{"results": results}
}
