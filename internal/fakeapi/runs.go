package fakeapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// fakeRun is one run and how far it has got.
type fakeRun struct {
	Slug        string
	Worker      *Worker
	Input       json.RawMessage
	Version     string
	Origin      string
	CallbackURL string
	Rows        int
	Created     time.Time
	Started     time.Time
	Finished    time.Time
	Polls       int
	Status      string
	Aborted     bool
	AbortPolls  int
	// Timing is the run's own durations (fake/gen's seconds); nil takes
	// its Worker's, else the server's.
	Timing *Timing
}

// final reports a status in which the run no longer changes by itself.
func final(status string) bool {
	switch status {
	case "succeeded", "failed", "aborted":
		return true
	}
	return false
}

// step moves a run on by one read (poll mode) or to the present (time mode)
// and returns its status. Callers hold s.mu.
func (s *Server) step(r *fakeRun, read bool) string {
	now := s.now()
	if read {
		r.Polls++
	}
	if final(r.Status) {
		return r.Status
	}
	if r.Aborted {
		if r.Status == "aborting" && s.variants.AbortSettles && read {
			r.AbortPolls++
			if r.AbortPolls > 1 {
				s.setStatus(r, "aborted", now)
			}
		}
		return r.Status
	}
	var next string
	if s.variants.TimeProgress {
		age := now.Sub(r.Created)
		readyFor, runningFor := s.timing(r)
		switch {
		case age < readyFor:
			next = "ready"
		case age < readyFor+runningFor:
			next = "running"
		default:
			next = r.Worker.Scenario.Outcome
		}
	} else {
		ready, running := r.Worker.Scenario.polls()
		switch {
		case r.Polls <= ready:
			next = "ready"
		case r.Polls <= ready+running:
			next = "running"
		default:
			next = r.Worker.Scenario.Outcome
		}
	}
	s.setStatus(r, next, now)
	return r.Status
}

// timing is how long run r stays ready and running under time-based
// progress: its Worker's own Timing, else the server's. Callers hold s.mu.
func (s *Server) timing(r *fakeRun) (readyFor, runningFor time.Duration) {
	if t := r.Timing; t != nil {
		return t.ReadyFor, t.RunningFor
	}
	if t := r.Worker.Scenario.Timing; t != nil {
		return t.ReadyFor, t.RunningFor
	}
	return s.variants.ReadyFor, s.variants.RunningFor
}

func (s *Server) setStatus(r *fakeRun, status string, now time.Time) {
	if status == r.Status {
		return
	}
	if s.variants.TimeProgress && !r.Aborted {
		// The moments the run changed, not the moments someone looked.
		readyFor, runningFor := s.timing(r)
		switch {
		case status == "running":
			now = r.Created.Add(readyFor)
		case final(status):
			if r.Started.IsZero() {
				r.Started = r.Created.Add(readyFor)
			}
			now = r.Created.Add(readyFor + runningFor)
		}
	}
	if status != "ready" && r.Started.IsZero() {
		r.Started = now
	}
	if (final(status) || status == "aborting") && r.Finished.IsZero() {
		r.Finished = now
	}
	r.Status = status
}

// resultCount is how many rows exist now: all of them once the run has
// ended, a growing share while it runs.
func (s *Server) resultCount(r *fakeRun) int {
	switch r.Status {
	case "ready":
		return 0
	case "running":
		if s.variants.TimeProgress || s.variants.RunningFor > 0 {
			return r.Rows / 2
		}
		_, running := r.Worker.Scenario.polls()
		ready, _ := r.Worker.Scenario.polls()
		done := r.Polls - ready
		if running <= 0 || done <= 0 {
			return 0
		}
		n := r.Rows * done / (running + 1)
		if n > r.Rows {
			n = r.Rows
		}
		return n
	}
	return r.Rows
}

// statusValue is the status as the wire shows it under the variants.
func (s *Server) statusValue(status string) any {
	if !s.variants.IntegerStatus {
		return status
	}
	switch status {
	case "ready":
		return 1
	case "running":
		return 2
	case "succeeded":
		return 3
	case "failed":
		return 4
	case "aborting", "aborted":
		return 5
	}
	return status
}

// record is the run record of REFERENCE §7.1, in the spec example's order.
func (s *Server) runRecord(r *fakeRun, forList bool) map[string]any {
	rows := s.resultCount(r)
	rec := map[string]any{
		"slug":          r.Slug,
		"scraper_slug":  r.Worker.Slug,
		"scraper_title": r.Worker.Title,
		"version":       r.Version,
		"status":        s.statusValue(r.Status),
		"results":       rows,
		"usage":         fmt.Sprintf("%.4f", float64(rows)*0.001+0.01),
		"traffic":       rows * 2048,
		"origin":        r.Origin,
		"started_at":    unix(r.Started),
		"finished_at":   unix(r.Finished),
		"duration":      duration(r),
	}
	if forList || !s.variants.DetailNoErrMsg {
		msg := ""
		if r.Status == "failed" {
			msg = r.Worker.Scenario.ErrMsg
		}
		rec["err_msg"] = msg
	}
	s.hostileRecord(r, rec)
	return rec
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func duration(r *fakeRun) int64 {
	if r.Started.IsZero() {
		return 0
	}
	if r.Finished.IsZero() {
		return 0
	}
	return int64(r.Finished.Sub(r.Started).Seconds())
}

// routes registers the handlers; paths are those of the spec.
func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("POST /api/v2/workers/{workerId}/runs", s.handleStartRun)
	m.HandleFunc("GET /api/v2/worker-runs/{runId}", s.handleRunDetail)
	m.HandleFunc("GET /api/v2/worker-runs/last", s.handleRunDetail)
	m.HandleFunc("GET /api/v2/workers/{workerId}/runs/last", s.handleRunDetail)
	m.HandleFunc("GET /api/v2/worker-runs/{runId}/result", s.handleResults)
	m.HandleFunc("GET /api/v2/worker-runs/last/result", s.handleResults)
	m.HandleFunc("GET /api/v2/workers/{workerId}/runs/last/result", s.handleResults)
	s.moreRoutes(m)
	s.historyRoutes(m)
	s.schemaRoutes(m)
	s.lifecycleRoutes(m)
}

// startBody is RunWorkerRequest as the fake reads it.
type startBody struct {
	Input       json.RawMessage `json:"input"`
	IsAsync     *bool           `json:"is_async"`
	CallbackURL string          `json:"callback_url"`
	Version     string          `json:"version"`
	Limit       int             `json:"limit"`
	Offset      int             `json:"offset"`
}

func (s *Server) handleStartRun(w http.ResponseWriter, r *http.Request) {
	var body startBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.writeError(w, http.StatusBadRequest, 11000, "invalid argument", []string{err.Error()})
		return
	}
	s.mu.Lock()
	worker := findWorker(s.workers, r.PathValue("workerId"))
	s.mu.Unlock()
	if worker == nil {
		s.writeError(w, http.StatusBadRequest, 50001, "worker does not exist", nil)
		return
	}
	status, code, msg := s.checkStart(worker, body.Input, body.Version)
	if status != 0 {
		s.writeError(w, status, code, msg, nil)
		return
	}
	s.mu.Lock()
	run := s.newRun(worker, body.Input, body.Version, body.CallbackURL)
	s.mu.Unlock()
	if body.IsAsync == nil || *body.IsAsync {
		s.writeOK(w, map[string]any{"run_slug": run.Slug})
		return
	}
	s.writeOK(w, s.syncReply(r.Context(), run, body.Limit, body.Offset, false))
}

// checkStart applies the documented refusals of a start: flat input,
// explicit "latest", the plan's concurrency limit.
func (s *Server) checkStart(worker *Worker, input json.RawMessage, version string) (int, int, string) {
	if status, code, msg := checkRunInput(input, version); status != 0 {
		return status, code, msg
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if limit := s.variants.ConcurrencyLimit; limit > 0 {
		active := 0
		for _, r := range s.runs {
			if st := s.step(r, false); st == "ready" || st == "running" {
				active++
			}
		}
		if active >= limit {
			return http.StatusBadRequest, 30003, "the current running tasks have reached the plan limit"
		}
	}
	return s.chargeStartLocked()
}

// checkRunInput refuses an explicit "latest" and a flat input.
func checkRunInput(input json.RawMessage, version string) (int, int, string) {
	if version == "latest" {
		return http.StatusBadRequest, 50003, "the worker version is not available"
	}
	if len(input) > 0 && string(input) != "null" {
		var in struct {
			Parameters *struct {
				Custom json.RawMessage `json:"custom"`
			} `json:"parameters"`
		}
		if json.Unmarshal(input, &in) != nil || in.Parameters == nil {
			return http.StatusBadRequest, 50002, "worker run failed: input must be wrapped as parameters.custom"
		}
	}
	return 0, 0, ""
}

// newRun creates a run; callers hold s.mu.
func (s *Server) newRun(worker *Worker, input json.RawMessage, version, callback string) *fakeRun {
	s.nextRun++
	if version == "" {
		version = worker.Version
	}
	run := &fakeRun{
		Slug:        s.runSlug(s.nextRun),
		Worker:      worker,
		Input:       input,
		Version:     version,
		Origin:      "openapi",
		CallbackURL: callback,
		Rows:        rowsFor(worker, input),
		Created:     s.now(),
		Status:      "",
	}
	if worker.Scenario.Generated {
		rows, timing := generatedRun(input)
		if rows >= 0 {
			run.Rows = rows
		}
		run.Timing = timing
	}
	s.step(run, false)
	s.runs = append(s.runs, run)
	return run
}

// rowsFor reads custom.max_results from the input, else the scenario's rows.
func rowsFor(w *Worker, input json.RawMessage) int {
	var in struct {
		Parameters struct {
			Custom struct {
				MaxResults json.Number `json:"max_results"`
			} `json:"custom"`
		} `json:"parameters"`
	}
	if json.Unmarshal(input, &in) == nil {
		if n, err := in.Parameters.Custom.MaxResults.Int64(); err == nil && n >= 0 && n <= 100000 {
			return int(n)
		}
	}
	return w.Scenario.Rows
}

// syncReply runs a synchronous start: it lets the run progress (as many
// reads as it needs, or Variants.SyncPolls) and answers with the audited
// sync shape (REFERENCE §9).
func (s *Server) syncReply(ctx context.Context, run *fakeRun, limit, offset int, rerun bool) map[string]any {
	s.awaitTimedEnd(ctx, run)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.variants.SyncSlugOnly {
		return map[string]any{"run_slug": run.Slug}
	}
	max := s.variants.SyncPolls
	for i := 0; (max == 0 && i < 1000) || i < max; i++ {
		if final(s.step(run, true)) || run.Status == "aborting" {
			break
		}
	}
	if limit == 0 {
		limit = 20
	}
	out := map[string]any{
		"run_slug":                  run.Slug,
		"run_status":                run.Status,
		"execution_start_timestamp": unix(run.Started),
		"execution_end_timestamp":   unix(run.Finished),
		"running_duration":          duration(run),
		"results":                   s.resultPage(run, offset, limit),
	}
	if rerun {
		out["is_finished"] = final(run.Status) || run.Status == "aborting"
	} else {
		msg := ""
		if run.Status == "failed" {
			msg = run.Worker.Scenario.ErrMsg
		}
		out["error_message"] = msg
		out["result_message"] = ""
	}
	return out
}

// syncWaitLimit is how long the platform holds a synchronous start
// (REFERENCE §9): a run still going then is returned as it is.
const syncWaitLimit = 5 * time.Minute

// awaitTimedEnd holds a synchronous start, when runs progress with the
// clock (fakeclaw, the benchmarks), until the run has ended or the
// platform's limit has passed, as the platform does. Runs that progress by
// reads (the scripts) step forward in syncReply instead.
func (s *Server) awaitTimedEnd(ctx context.Context, run *fakeRun) {
	s.mu.Lock()
	if !s.variants.TimeProgress || s.variants.SyncSlugOnly {
		s.mu.Unlock()
		return
	}
	readyFor, runningFor := s.timing(run)
	wait := run.Created.Add(readyFor + runningFor).Sub(s.now())
	s.mu.Unlock()
	if wait > 0 {
		_ = s.sleep(ctx, min(wait, syncWaitLimit))
	}
}

// findRun resolves {runId}, /last or /workers/{id}/runs/last. Callers hold
// s.mu.
func (s *Server) findRun(r *http.Request) (*fakeRun, int, int, string) {
	if id := r.PathValue("runId"); id != "" {
		for _, run := range s.runs {
			if run.Slug == id {
				return run, 0, 0, ""
			}
		}
		return nil, http.StatusNotFound, 70001, "run record does not exist"
	}
	if wid := r.PathValue("workerId"); wid != "" {
		w := findWorker(s.workers, wid)
		if w == nil {
			return nil, http.StatusNotFound, 11004, "not found"
		}
		for i := len(s.runs) - 1; i >= 0; i-- {
			if s.runs[i].Worker == w {
				return s.runs[i], 0, 0, ""
			}
		}
		return nil, http.StatusNotFound, 70001, "run record does not exist"
	}
	if len(s.runs) == 0 {
		return nil, http.StatusNotFound, 70001, "run record does not exist"
	}
	return s.runs[len(s.runs)-1], 0, 0, ""
}

func (s *Server) handleRunDetail(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	run, status, code, msg := s.findRun(r)
	var rec map[string]any
	if run != nil {
		s.step(run, true)
		rec = s.runRecord(run, false)
	}
	s.mu.Unlock()
	if run == nil {
		s.writeError(w, status, code, msg, nil)
		return
	}
	s.writeOK(w, rec)
}

func (s *Server) handleResults(w http.ResponseWriter, r *http.Request) {
	offset, limit := pageParams(r)
	s.mu.Lock()
	run, status, code, msg := s.findRun(r)
	var page map[string]any
	if run != nil {
		s.step(run, false)
		page = s.resultPage(run, offset, limit)
	}
	s.mu.Unlock()
	if run == nil {
		s.writeError(w, status, code, msg, nil)
		return
	}
	s.writeOK(w, page)
}

// pageParams reads offset and limit with the spec's defaults (1 and 20).
func pageParams(r *http.Request) (offset, limit int) {
	offset, limit = 1, 20
	if v, err := strconv.Atoi(r.URL.Query().Get("offset")); err == nil {
		offset = v
	}
	if v, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil {
		limit = v
	}
	return offset, limit
}

// pageBounds turns offset/limit into a 1-based page index and the row range
// it covers, under the paging variant in force. Callers hold s.mu.
func (s *Server) pageBounds(offset, limit, total int) (pageIndex, from, to int) {
	if limit < 1 {
		limit = 20
	}
	switch {
	case s.variants.IgnoreOffset:
		pageIndex = 1
	case s.variants.RowOffsetPaging:
		pageIndex = offset/limit + 1
	default:
		pageIndex = offset
		if pageIndex < 1 {
			pageIndex = 1
		}
	}
	from = (pageIndex - 1) * limit
	to = from + limit
	if from > total {
		from = total
	}
	if to > total {
		to = total
	}
	return pageIndex, from, to
}

// resultPage is the page of a run's rows at offset/limit. Callers hold s.mu.
func (s *Server) resultPage(run *fakeRun, offset, limit int) map[string]any {
	total := s.resultCount(run)
	pageIndex, from, to := s.pageBounds(offset, limit, total)
	list := make([]json.RawMessage, 0, to-from)
	for i := from; i < to; i++ {
		list = append(list, json.RawMessage(row(run.Worker.Scenario.RowKind, i)))
	}
	page := map[string]any{
		"headers": json.RawMessage(headers(run.Worker.Scenario.RowKind)),
		"list":    list,
	}
	s.pageMeta(page, total, pageIndex, limit)
	return page
}

// pageMeta adds count, page_index and page_size to a page of a list of
// total items, as the variants say. Callers hold s.mu.
func (s *Server) pageMeta(page map[string]any, total, pageIndex, limit int) {
	switch s.variants.Count {
	case "zero":
		page["count"] = 0
	case "over":
		page["count"] = total + 100
	case "off":
	default:
		page["count"] = total
	}
	if !s.variants.NoPageIndex {
		page["page_index"] = pageIndex
		page["page_size"] = limit
	}
}

// AddRun creates a run of a Worker directly in a given status, for scripts
// that need an existing run. It returns the run's slug.
func (s *Server) AddRun(workerID, status string, rows int) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := findWorker(s.workers, strings.Replace(workerID, "/", "~", 1))
	if w == nil {
		return "", fmt.Errorf("no fake Worker %q", workerID)
	}
	run := s.newRun(w, nil, "", "")
	if rows >= 0 {
		run.Rows = rows
	}
	now := s.now()
	if status != "ready" {
		s.setStatus(run, "running", now)
		// Past the ready reads, so that the next read does not step the
		// run back to ready.
		run.Polls, _ = w.Scenario.polls()
		run.Polls++
	}
	if status != "running" && status != "ready" {
		s.setStatus(run, status, now.Add(7*time.Second))
		run.Finished = now.Add(7 * time.Second)
		if status == "aborting" {
			run.Aborted = true
		}
	}
	return run.Slug, nil
}
