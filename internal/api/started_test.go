package api

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeStartedTolerant(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name   string
		data   string
		want   StartedRun
		unread []string
	}{
		{"async", `{"run_slug":"01KKDXV2G26BT7NH4ZQR2R4NPZ"}`,
			StartedRun{RunSlug: "01KKDXV2G26BT7NH4ZQR2R4NPZ"}, nil},
		{"sync, all fields", `{"run_slug":"01KS","run_status":"succeeded","error_message":"","execution_start_timestamp":1786000780,` +
			`"execution_end_timestamp":"1786000787","running_duration":7,"result_message":"ok","is_finished":true,"results":{"count":1,"list":[{"a":1}]}}`,
			StartedRun{RunSlug: "01KS", RunStatus: StatusSucceeded, ExecutionStart: 1786000780, ExecutionEnd: 1786000787, RunningDuration: 7,
				ResultMessage: "ok", IsFinished: &yes, Results: &ResultPage{Count: 1, List: nil}}, nil},
		{"status as a v1 number", `{"run_slug":"01KS","run_status":4,"is_finished":false}`,
			StartedRun{RunSlug: "01KS", RunStatus: StatusFailed, IsFinished: &no}, nil},
		{"nulls everywhere", `{"run_slug":"01KS","run_status":null,"error_message":null,"results":null,"is_finished":null,"running_duration":null}`,
			StartedRun{RunSlug: "01KS"}, nil},
		{"odd types are unread, not fatal", `{"run_slug":"01KS","error_message":12,"run_status":{"x":1},"result_message":["a"],` +
			`"execution_start_timestamp":"soon","is_finished":"yes","results":"many","running_duration":1.5,"extra":{"new":"field"}}`,
			StartedRun{RunSlug: "01KS"},
			[]string{`run_status={"x":1}`, "error_message=12", `result_message=["a"]`, `execution_start_timestamp="soon"`,
				"running_duration=1.5", `is_finished="yes"`, `results="many"`}},
		{"a result page of the wrong shape", `{"run_slug":"01KS","run_status":"succeeded","results":{"list":{}}}`,
			StartedRun{RunSlug: "01KS", RunStatus: StatusSucceeded}, []string{"results={\"list\":{}}"}},
		{"a long odd value is cut", `{"run_slug":"01KS","error_message":{"a":"` + strings.Repeat("x", 100) + `"}}`,
			StartedRun{RunSlug: "01KS"}, []string{`error_message={"a":"` + strings.Repeat("x", 34) + `…`}},
		{"an unusual slug that is safe", `{"run_slug":"run-42.a_b~c"}`, StartedRun{RunSlug: "run-42.a_b~c"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeStarted("POST /p", []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Unread, tt.unread) {
				t.Errorf("unread %q, want %q", got.Unread, tt.unread)
			}
			got.Unread = nil
			if got.Results != nil && tt.want.Results != nil {
				if got.Results.Count != tt.want.Results.Count || len(got.Results.List) != 1 {
					t.Errorf("results %+v", got.Results)
				}
				got.Results, tt.want.Results = nil, nil
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestDecodeStartedWithoutAUsableSlug(t *testing.T) {
	tests := []struct{ data, want string }{
		{``, "no data, so no run_slug"},
		{`null`, "no data, so no run_slug"},
		{`{}`, "no run_slug in the reply"},
		{`"01KS"`, "data is a string, not an object with a run_slug"},
		{`["01KS"]`, "data is an array, not an object with a run_slug"},
		{`12`, "data is a number, not an object with a run_slug"},
		{`true`, "data is a boolean, not an object with a run_slug"},
		{`{"run_slug":null}`, "run_slug is null, not a string"},
		{`{"run_slug":12345}`, "run_slug is a number, not a string"},
		{`{"run_slug":{"id":"01KS"}}`, "run_slug is an object, not a string"},
		{`{"run_slug":""}`, "run_slug is empty"},
		{`{"slug":"01KS"}`, "no run_slug in the reply"},
		{`{"run_slug":"../users/account"}`, `run id "../users/account" contains '/', which is not allowed`},
		{`{"run_slug":"01K\u001b]0;x\u0007"}`, `run id "01K\x1b]0;x\a" contains whitespace or a control character`},
		{`{"run_slug":"01K\u202eZ"}`, `run id "01K\u202eZ" contains '\u202e', which cannot be shown safely`},
		{`{"run_slug":"01K\u200bZ"}`, `run id "01K\u200bZ" contains '\u200b', which cannot be shown safely`},
		{`{"run_slug":"01K\ufffdZ"}`, `run id "01K�Z" contains '�', which cannot be shown safely`},
		{`{"run_slug":"` + strings.Repeat("A", 129) + `"}`, "run id of 129 bytes is longer than 128"},
	}
	for _, tt := range tests {
		got, err := decodeStarted("POST /p", []byte(tt.data))
		var re *ReplyError
		if got != nil || !errors.As(err, &re) || err.Error() != "unexpected reply to POST /p: "+tt.want {
			t.Errorf("decodeStarted(%s) = %+v, %v; want %q", tt.data, got, err, tt.want)
		}
	}
}

// TestStartsReadTheirRepliesTheSameWay: run, rerun and task run all keep a
// started run whose reply holds an odd field, and send once.
func TestStartsReadTheirRepliesTheSameWay(t *testing.T) {
	starts := map[string]func(c *Client) (*StartedRun, error){
		"run": func(c *Client) (*StartedRun, error) {
			return c.StartRun(context.Background(), "o~w", RunRequest{IsAsync: false})
		},
		"rerun": func(c *Client) (*StartedRun, error) {
			return c.Rerun(context.Background(), RunRef{Last: true}, RerunRequest{IsAsync: false})
		},
		"task run": func(c *Client) (*StartedRun, error) {
			return c.RunTask(context.Background(), "01KT", RunTaskRequest{IsAsync: false})
		},
	}
	for name, start := range starts {
		t.Run(name, func(t *testing.T) {
			ts := newTestServer(t, ok(`{"run_slug":"01KS","error_message":12,"is_finished":false,"run_status":"running"}`))
			h := newHarness(t, ts.URL)
			got, err := start(h.client)
			if err != nil || got.RunSlug != "01KS" || got.RunStatus != StatusRunning || got.IsFinished == nil || *got.IsFinished ||
				!reflect.DeepEqual(got.Unread, []string{"error_message=12"}) {
				t.Fatalf("%+v, %v", got, err)
			}
			if ts.count() != 1 {
				t.Errorf("%d requests", ts.count())
			}
		})
	}
}

// TestEnvelopeOfOddTypes: only code must be readable in a reply.
func TestEnvelopeOfOddTypes(t *testing.T) {
	body := func(s string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(s))
		}
	}
	ts := newTestServer(t, body(`{"code":"0","message":7,"request_id":["r"],"details":{},"data":{"run_slug":"01KS"}}`))
	h := newHarness(t, ts.URL)
	got, err := h.client.StartRun(context.Background(), "o~w", RunRequest{IsAsync: true})
	if err != nil || got.RunSlug != "01KS" {
		t.Fatalf("%+v, %v", got, err)
	}
}

// TestStartIsNeverRedirected: a redirect in reply to a POST is the reply,
// never followed: 307 and 308 would send the start again, 301 to 303 would
// turn it into a GET. GETs still follow redirects within the host.
func TestStartIsNeverRedirected(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == "POST" {
				http.Redirect(w, r, "/elsewhere", status)
				return
			}
			ok(`{"run_slug":"01KS"}`)(w, r)
		})
		h := newHarness(t, ts.URL)
		_, err := h.client.StartRun(context.Background(), "o~w", RunRequest{IsAsync: true})
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.HTTPStatus != status || !apiErr.NotJSON {
			t.Errorf("%d: error %v", status, err)
		}
		if ts.count() != 1 {
			t.Errorf("%d: %d requests, want 1", status, ts.count())
		}
	}
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/moved" {
			http.Redirect(w, r, "/moved", http.StatusFound)
			return
		}
		ok(`{"slug":"01KRUN","status":"running"}`)(w, r)
	})
	h := newHarness(t, ts.URL)
	if run, err := h.client.GetRun(context.Background(), RunRef{Slug: "01KRUN"}); err != nil || run.Slug != "01KRUN" {
		t.Errorf("a GET no longer follows a same-host redirect: %+v, %v", run, err)
	}
}
