package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
)

// Saved Worker tasks (REFERENCE §8.4). Task objects are passed on as the
// API sent them: every field is optional and ids exceed 2^53.

func taskPath(id string) string { return "/api/v2/worker-tasks/" + url.PathEscape(id) }

// TaskFilter selects tasks of the task list.
type TaskFilter struct {
	Worker  WorkerID // "": every Worker
	Keyword string   // matches the title or slug
}

// EachTask walks the task list, calling fn with each task as sent; max > 0
// stops after that many. It returns how many tasks fn received.
func (c *Client) EachTask(ctx context.Context, f TaskFilter, max int, fn func(json.RawMessage) error) (int, error) {
	q := url.Values{}
	if f.Worker != "" {
		q.Set("worker_id", string(f.Worker))
	}
	if f.Keyword != "" {
		q.Set("keyword", f.Keyword)
	}
	return c.eachItem(ctx, call{method: "GET", path: "/api/v2/worker-tasks"}, q, "slug", max, fn)
}

// GetTask reads a task, as the API sent it.
func (c *Client) GetTask(ctx context.Context, id string) (json.RawMessage, error) {
	var out json.RawMessage
	if err := c.do(ctx, call{method: "GET", path: taskPath(id)}, &out); err != nil {
		return nil, err
	}
	if !isJSONObject(out) {
		return nil, &ReplyError{Op: "GET " + taskPath(id), Err: errors.New("no task object in the reply")}
	}
	return out, nil
}

// TaskSchedule is the schedule part of a task body; nil fields are not
// sent (an update leaves them as they are).
type TaskSchedule struct {
	Type     *int    `json:"schedule_type,omitempty"` // 1 daily, 2 weekly, 3 monthly, 4 once
	Time     *string `json:"schedule_time,omitempty"` // HH:mm
	Weekday  *int    `json:"schedule_weekday,omitempty"`
	Day      *int    `json:"schedule_day,omitempty"`
	OnceDate *string `json:"schedule_once_date,omitempty"` // YYYY-MM-DD
	Enabled  *int    `json:"schedule_enabled,omitempty"`   // 0 or 1
}

// IsZero reports that no schedule field is set.
func (s TaskSchedule) IsZero() bool { return s == TaskSchedule{} }

// CreateTaskRequest is the body of POST /worker-tasks (CreateRequest).
type CreateTaskRequest struct {
	WorkerID    WorkerID        `json:"worker_id"`
	Title       string          `json:"title"`
	Input       json.RawMessage `json:"input"`
	Description string          `json:"description,omitempty"`
	Version     string          `json:"version,omitempty"`
	TaskSchedule
}

// CreateTask saves a task and returns its slug. A failure after sending is
// not repeated: it could save the task twice.
func (c *Client) CreateTask(ctx context.Context, req CreateTaskRequest) (string, error) {
	var out struct {
		Slug string `json:"slug"`
	}
	if err := c.do(ctx, call{method: "POST", path: "/api/v2/worker-tasks", body: req, retry: retryCreates}, &out); err != nil {
		return "", err
	}
	if out.Slug == "" {
		return "", &ReplyError{Op: "POST /api/v2/worker-tasks", Err: errors.New("no slug in the reply")}
	}
	return out.Slug, nil
}

// UpdateTaskRequest is the body of PUT /worker-tasks/{id} (UpdateRequest):
// only the fields set are sent, and only they change.
type UpdateTaskRequest struct {
	Title       *string `json:"title,omitempty"`
	Description *string `json:"description,omitempty"`
	TaskSchedule
}

// IsZero reports an update that changes nothing.
func (r UpdateTaskRequest) IsZero() bool {
	return r.Title == nil && r.Description == nil && r.TaskSchedule.IsZero()
}

// UpdateTask changes a task's title, description or schedule.
func (c *Client) UpdateTask(ctx context.Context, id string, req UpdateTaskRequest) error {
	return c.do(ctx, call{method: "PUT", path: taskPath(id), body: req}, nil)
}

// DeleteTask deletes a task. It is never repeated automatically: a second
// DELETE fails with not found even when the first one worked.
func (c *Client) DeleteTask(ctx context.Context, id string) error {
	return c.do(ctx, call{method: "DELETE", path: taskPath(id), retry: retryNever}, nil)
}

// TaskInput is a task's saved input and the Worker version it runs.
type TaskInput struct {
	Input   json.RawMessage `json:"input"`
	Version Text            `json:"version"`
}

// GetTaskInput reads a task's saved input. A reply without an input
// object is an unexpected reply: saving it back would wipe the input.
func (c *Client) GetTaskInput(ctx context.Context, id string) (*TaskInput, error) {
	var out TaskInput
	if err := c.do(ctx, call{method: "GET", path: taskPath(id) + "/input"}, &out); err != nil {
		return nil, err
	}
	if !isJSONObject(out.Input) {
		return nil, &ReplyError{Op: "GET " + taskPath(id) + "/input", Err: errors.New("no input object in the reply")}
	}
	return &out, nil
}

// SetTaskInputRequest is the body of PUT /worker-tasks/{id}/input
// (UpdateInputBody); an empty Version keeps the task's version.
type SetTaskInputRequest struct {
	Input   json.RawMessage `json:"input"`
	Version string          `json:"version,omitempty"`
}

// SetTaskInput replaces a task's input.
func (c *Client) SetTaskInput(ctx context.Context, id string, req SetTaskInputRequest) error {
	return c.do(ctx, call{method: "PUT", path: taskPath(id) + "/input", body: req}, nil)
}

// RunTaskRequest is the body of POST /worker-tasks/{id}/runs
// (RunTaskRequest): the input and version come from the task.
type RunTaskRequest struct {
	CallbackURL string `json:"callback_url,omitempty"`
	IsAsync     bool   `json:"is_async"`
	Limit       int    `json:"limit,omitempty"`
	Offset      int    `json:"offset,omitempty"`
}

// RunTask starts a run of a saved task. Like StartRun it is never repeated
// unless the reply proves that no run was created.
func (c *Client) RunTask(ctx context.Context, id string, req RunTaskRequest) (*StartedRun, error) {
	return c.start(ctx, runTaskCall(id, req))
}

// PrepareRunTask is the request RunTask would send, for --dry-run.
func (c *Client) PrepareRunTask(id string, req RunTaskRequest) (*PreparedRequest, error) {
	return c.prepare(runTaskCall(id, req))
}

func runTaskCall(id string, req RunTaskRequest) call {
	return call{method: "POST", path: taskPath(id) + "/runs", body: req, retry: retryCreates, sync: !req.IsAsync}
}

func isJSONObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}
