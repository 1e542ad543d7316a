package fakeapi

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// historyRoutes registers run history, saved tasks, the Run Queue, the
// Store, the caller's Workers and the account.
func (s *Server) historyRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /api/v2/worker-runs", s.handleRunList)
	s.taskRoutes(m)
	s.queueRoutes(m)
	s.storeRoutes(m)
}

// beijingZone is the zone in which the run list counts days (REFERENCE §8.6).
func beijingZone() *time.Location { return time.FixedZone("UTC+8", 8*60*60) }

// handleRunList is GET /worker-runs with its time-window rules: without
// start_time and end_time only the current calendar month; both or neither;
// end_time is a day at 00:00:00 Beijing time to which a day is added; the
// window may not cross a month (11000).
func (s *Server) handleRunList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, limit := pageParams(r)
	s.respond(w, func() (any, *fakeErr) {
		from, to, refusal := s.runListWindow(q.Get("start_time"), q.Get("end_time"))
		if refusal != "" {
			return nil, &fakeErr{code: 11000, msg: refusal}
		}
		var worker *Worker
		if id := q.Get("worker_id"); id != "" {
			if worker = findWorker(s.workers, id); worker == nil {
				return nil, badRequest(50001)
			}
		}
		status := q.Get("status")
		var matched []*fakeRun
		for _, run := range s.runs {
			if run.Created.Before(from) || !run.Created.Before(to) || (worker != nil && run.Worker != worker) {
				continue
			}
			if status != "" && s.step(run, false) != status {
				continue
			}
			matched = append(matched, run)
		}
		// Newest first; runs seeded in the past are not in creation order.
		sort.SliceStable(matched, func(i, j int) bool { return matched[i].Created.After(matched[j].Created) })
		pageIndex, a, b := s.pageBounds(offset, limit, len(matched))
		list := make([]map[string]any, 0, b-a)
		for _, run := range matched[a:b] {
			s.step(run, false)
			list = append(list, s.runRecord(run, true))
		}
		data := map[string]any{"list": list}
		s.pageMeta(data, len(matched), pageIndex, limit)
		return data, nil
	})
}

// runListWindow turns start_time and end_time into [from, to), or the
// reason they are refused.
func (s *Server) runListWindow(start, end string) (from, to time.Time, refusal string) {
	beijing := beijingZone()
	switch {
	case start == "" && end == "":
		now := s.now().In(beijing)
		from = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, beijing)
		return from, from.AddDate(0, 1, 0), ""
	case start == "" || end == "":
		return from, to, "start_time and end_time must be sent together"
	}
	startSec, err1 := strconv.ParseInt(start, 10, 64)
	endSec, err2 := strconv.ParseInt(end, 10, 64)
	if err1 != nil || err2 != nil {
		return from, to, "invalid argument"
	}
	from = time.Unix(startSec, 0).In(beijing)
	endDay := time.Unix(endSec, 0).In(beijing)
	if endDay.Hour() != 0 || endDay.Minute() != 0 || endDay.Second() != 0 {
		return from, to, "end_time must be a day at 00:00:00 (UTC+8)"
	}
	to = endDay.Add(24 * time.Hour)
	if !to.After(from) {
		return from, to, "start_time is after end_time"
	}
	last := to.Add(-time.Second)
	if last.Year() != from.Year() || last.Month() != from.Month() {
		return from, to, "run list time range cannot cross months"
	}
	return from, to, ""
}

// AddRunAt is AddRun for a run created at a given moment (in the past,
// say, to fill the history of earlier months); its other times move with
// it.
func (s *Server) AddRunAt(workerID, status string, rows int, created time.Time) (string, error) {
	slug, err := s.AddRun(workerID, status, rows)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	run := s.runs[len(s.runs)-1]
	shift := created.Sub(run.Created)
	run.Created = created
	for _, t := range []*time.Time{&run.Started, &run.Finished} {
		if !t.IsZero() {
			*t = t.Add(shift)
		}
	}
	return slug, nil
}

// containsFold reports whether s contains sub, ignoring case.
func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// fakeErr is an error reply: the live API answers business errors (an
// unknown task or Worker, a bad argument) with HTTP 400.
type fakeErr struct {
	code    int
	msg     string // defaultMessage(code) when empty
	details []string
}

func badRequest(code int, details ...string) *fakeErr { return &fakeErr{code: code, details: details} }

// respond runs decide holding s.mu and writes its answer once the lock is
// released (writing takes s.mu itself, for the request id). A nil data
// leaves data out of the envelope.
func (s *Server) respond(w http.ResponseWriter, decide func() (any, *fakeErr)) {
	s.mu.Lock()
	data, e := decide()
	s.mu.Unlock()
	if e != nil {
		msg := e.msg
		if msg == "" {
			msg = defaultMessage(e.code)
		}
		s.writeError(w, http.StatusBadRequest, e.code, msg, e.details)
		return
	}
	s.writeOK(w, data)
}
