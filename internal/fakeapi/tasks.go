package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// fakeTask is a saved task (REFERENCE §7.6, §8.4).
type fakeTask struct {
	ID          int64
	Slug        string
	Title       string
	Description string
	Worker      *Worker
	Version     string
	Input       json.RawMessage
	Schedule    taskSchedule
	RunTimes    int
	LastRunID   string
	Created     time.Time
	Updated     time.Time
}

// taskSchedule holds the schedule_* fields; zero values are unset.
type taskSchedule struct {
	Type     int
	Time     string
	Weekday  int
	Day      int
	OnceDate string
	Enabled  int
}

// taskBody is CreateRequest and UpdateRequest as the fake reads them;
// pointers tell a field left out from one set to its zero value.
type taskBody struct {
	WorkerID    *string         `json:"worker_id"`
	Title       *string         `json:"title"`
	Description *string         `json:"description"`
	Version     *string         `json:"version"`
	Input       json.RawMessage `json:"input"`
	Type        *int            `json:"schedule_type"`
	Time        *string         `json:"schedule_time"`
	Weekday     *int            `json:"schedule_weekday"`
	Day         *int            `json:"schedule_day"`
	OnceDate    *string         `json:"schedule_once_date"`
	Enabled     *int            `json:"schedule_enabled"`
}

// strictTime parses s with layout, and only in exactly that form (time
// accepts "9:05" for "15:04").
func strictTime(layout, s string) bool {
	t, err := time.Parse(layout, s)
	return err == nil && t.Format(layout) == s
}

// applySchedule copies the schedule fields given, or says why not.
func (t *fakeTask) applySchedule(b taskBody) string {
	if b.Time != nil && !strictTime("15:04", *b.Time) {
		return "schedule_time must be HH:mm"
	}
	if b.OnceDate != nil && !strictTime("2006-01-02", *b.OnceDate) {
		return "schedule_once_date must be YYYY-MM-DD"
	}
	set := func(dst *int, src *int) {
		if src != nil {
			*dst = *src
		}
	}
	set(&t.Schedule.Type, b.Type)
	set(&t.Schedule.Weekday, b.Weekday)
	set(&t.Schedule.Day, b.Day)
	set(&t.Schedule.Enabled, b.Enabled)
	if b.Time != nil {
		t.Schedule.Time = *b.Time
	}
	if b.OnceDate != nil {
		t.Schedule.OnceDate = *b.OnceDate
	}
	return ""
}

func (s *Server) taskRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /api/v2/worker-tasks", s.handleTaskList)
	m.HandleFunc("POST /api/v2/worker-tasks", s.handleTaskCreate)
	m.HandleFunc("GET /api/v2/worker-tasks/{workerTaskId}", s.handleTaskGet)
	m.HandleFunc("PUT /api/v2/worker-tasks/{workerTaskId}", s.handleTaskUpdate)
	m.HandleFunc("DELETE /api/v2/worker-tasks/{workerTaskId}", s.handleTaskDelete)
	m.HandleFunc("GET /api/v2/worker-tasks/{workerTaskId}/input", s.handleTaskInput)
	m.HandleFunc("PUT /api/v2/worker-tasks/{workerTaskId}/input", s.handleTaskSetInput)
	m.HandleFunc("POST /api/v2/worker-tasks/{workerTaskId}/runs", s.handleTaskRun)
}

// findTask looks a task up by slug; callers hold s.mu.
func (s *Server) findTask(slug string) *fakeTask {
	for _, t := range s.tasks {
		if t.Slug == slug {
			return t
		}
	}
	return nil
}

// taskRecord is the audited task shape; the list leaves out id. Callers
// hold s.mu.
func (s *Server) taskRecord(t *fakeTask, forList bool) map[string]any {
	path := t.Worker.Path()
	if s.variants.WorkerPathSlash {
		path = t.Worker.Owner + "/" + t.Worker.Name
	}
	rec := map[string]any{
		"slug":               t.Slug,
		"title":              t.Title,
		"description":        t.Description,
		"worker_id":          workerNumber(t.Worker),
		"worker_title":       t.Worker.Title,
		"worker_slug":        t.Worker.Slug,
		"worker_path":        path,
		"version":            t.Version,
		"platform_actors_id": workerNumber(t.Worker) + 7,
		"input":              t.Input,
		"run_times":          t.RunTimes,
		"last_run_id":        t.LastRunID,
		"last_modified_at":   unix(t.Updated),
		"schedule_enabled":   t.Schedule.Enabled,
		"schedule_type":      t.Schedule.Type,
		"schedule_time":      t.Schedule.Time,
		"created_at":         unix(t.Created),
		"updated_at":         unix(t.Updated),
	}
	if !forList {
		rec["id"] = t.ID
	}
	if t.Schedule.Weekday != 0 {
		rec["schedule_weekday"] = t.Schedule.Weekday
	}
	if t.Schedule.Day != 0 {
		rec["schedule_day"] = t.Schedule.Day
	}
	if t.Schedule.OnceDate != "" {
		rec["schedule_once_date"] = t.Schedule.OnceDate
	}
	return rec
}

// workerNumber is a Worker's internal numeric id: larger than 2^53, as
// the real ones are.
func workerNumber(w *Worker) int64 {
	var n int64
	for _, c := range w.Slug {
		n = n*31 + int64(c)
	}
	if n < 0 {
		n = -n
	}
	return 32708435341606912 + n%1000000
}

func (s *Server) handleTaskList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, limit := pageParams(r)
	s.respond(w, func() (any, *fakeErr) {
		var worker *Worker
		if id := q.Get("worker_id"); id != "" {
			if worker = findWorker(s.workers, id); worker == nil {
				return nil, badRequest(50001)
			}
		}
		keyword := q.Get("keyword")
		var matched []*fakeTask
		for i := len(s.tasks) - 1; i >= 0; i-- { // newest first
			t := s.tasks[i]
			if worker != nil && t.Worker != worker {
				continue
			}
			if keyword != "" && !containsFold(t.Title, keyword) && !containsFold(t.Slug, keyword) {
				continue
			}
			matched = append(matched, t)
		}
		pageIndex, a, b := s.pageBounds(offset, limit, len(matched))
		list := make([]map[string]any, 0, b-a)
		for _, t := range matched[a:b] {
			list = append(list, s.taskRecord(t, true))
		}
		data := map[string]any{"list": list}
		s.pageMeta(data, len(matched), pageIndex, limit)
		return data, nil
	})
}

func (s *Server) handleTaskCreate(w http.ResponseWriter, r *http.Request) {
	var b taskBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil || b.WorkerID == nil || b.Title == nil {
		s.writeError(w, http.StatusBadRequest, 11000, "invalid argument", nil)
		return
	}
	s.respond(w, func() (any, *fakeErr) {
		worker := findWorker(s.workers, *b.WorkerID)
		if worker == nil {
			return nil, badRequest(50001)
		}
		if *b.Title == "" {
			return nil, badRequest(11000, "title is required")
		}
		now := s.now()
		t := &fakeTask{
			ID:      1786001196232214890 + int64(s.nextTask),
			Slug:    s.taskSlug(s.nextTask + 1),
			Title:   *b.Title,
			Worker:  worker,
			Version: worker.Version,
			Input:   b.Input,
			Created: now,
			Updated: now,
		}
		if b.Description != nil {
			t.Description = *b.Description
		}
		if b.Version != nil && *b.Version != "" {
			t.Version = *b.Version
		}
		if msg := t.applySchedule(b); msg != "" {
			return nil, badRequest(11000, msg)
		}
		s.nextTask++
		s.tasks = append(s.tasks, t)
		return map[string]any{"slug": t.Slug}, nil
	})
}

// withTask runs f on the task of the path, or answers 60001.
func (s *Server) withTask(w http.ResponseWriter, r *http.Request, f func(t *fakeTask) (any, *fakeErr)) {
	s.respond(w, func() (any, *fakeErr) {
		t := s.findTask(r.PathValue("workerTaskId"))
		if t == nil {
			return nil, badRequest(60001)
		}
		return f(t)
	})
}

func (s *Server) handleTaskGet(w http.ResponseWriter, r *http.Request) {
	s.withTask(w, r, func(t *fakeTask) (any, *fakeErr) { return s.taskRecord(t, false), nil })
}

func (s *Server) handleTaskUpdate(w http.ResponseWriter, r *http.Request) {
	var b taskBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		s.writeError(w, http.StatusBadRequest, 11000, "invalid argument", nil)
		return
	}
	s.withTask(w, r, func(t *fakeTask) (any, *fakeErr) {
		updated := *t
		if msg := updated.applySchedule(b); msg != "" {
			return nil, badRequest(11000, msg)
		}
		if b.Title != nil {
			updated.Title = *b.Title
		}
		if b.Description != nil {
			updated.Description = *b.Description
		}
		updated.Updated = s.now()
		*t = updated
		return map[string]any{}, nil
	})
}

func (s *Server) handleTaskDelete(w http.ResponseWriter, r *http.Request) {
	s.withTask(w, r, func(t *fakeTask) (any, *fakeErr) {
		for i := range s.tasks {
			if s.tasks[i] == t {
				s.tasks = append(s.tasks[:i], s.tasks[i+1:]...)
				break
			}
		}
		return nil, nil
	})
}

func (s *Server) handleTaskInput(w http.ResponseWriter, r *http.Request) {
	s.withTask(w, r, func(t *fakeTask) (any, *fakeErr) {
		return map[string]any{"input": t.Input, "version": t.Version}, nil
	})
}

func (s *Server) handleTaskSetInput(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Input   json.RawMessage `json:"input"`
		Version *string         `json:"version"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil || len(b.Input) == 0 {
		s.writeError(w, http.StatusBadRequest, 11000, "invalid argument", nil)
		return
	}
	s.withTask(w, r, func(t *fakeTask) (any, *fakeErr) {
		t.Input = b.Input
		if b.Version != nil && *b.Version != "" {
			t.Version = *b.Version
		}
		t.Updated = s.now()
		return nil, nil
	})
}

// handleTaskRun starts a run with the task's input and version
// (RunTaskRequest has neither).
func (s *Server) handleTaskRun(w http.ResponseWriter, r *http.Request) {
	var body startBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.writeError(w, http.StatusBadRequest, 11000, "invalid argument", []string{err.Error()})
		return
	}
	s.mu.Lock()
	t := s.findTask(r.PathValue("workerTaskId"))
	var task fakeTask
	if t != nil {
		task = *t
	}
	s.mu.Unlock()
	if t == nil {
		s.writeError(w, http.StatusBadRequest, 60001, defaultMessage(60001), nil)
		return
	}
	if status, code, msg := s.checkStart(task.Worker, task.Input, task.Version); status != 0 {
		s.writeError(w, status, code, msg, nil)
		return
	}
	s.mu.Lock()
	run := s.newRun(task.Worker, task.Input, task.Version, body.CallbackURL)
	t.RunTimes++
	t.LastRunID = run.Slug
	s.mu.Unlock()
	if body.IsAsync == nil || *body.IsAsync {
		s.writeOK(w, map[string]any{"run_slug": run.Slug})
		return
	}
	s.writeOK(w, s.syncReply(r.Context(), run, body.Limit, body.Offset, false))
}

// AddTasks saves n tasks of a Worker directly (titled "Task 1", ...), for
// scripts that page through long task lists. It returns their slugs.
func (s *Server) AddTasks(workerID string, n int) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := findWorker(s.workers, strings.Replace(workerID, "/", "~", 1))
	if w == nil {
		return nil, fmt.Errorf("no fake Worker %q", workerID)
	}
	var slugs []string
	for i := 0; i < n; i++ {
		now := s.now()
		t := &fakeTask{
			ID:      1786001196232214890 + int64(s.nextTask),
			Slug:    s.taskSlug(s.nextTask + 1),
			Title:   fmt.Sprintf("Task %d", s.nextTask+1),
			Worker:  w,
			Version: w.Version,
			Input:   json.RawMessage(`{"parameters":{"custom":{}}}`),
			Created: now,
			Updated: now,
		}
		s.nextTask++
		s.tasks = append(s.tasks, t)
		slugs = append(slugs, t.Slug)
	}
	return slugs, nil
}
