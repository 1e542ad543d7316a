package fakeapi

import (
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
)

var (
	specOnce sync.Once
	spec     *Spec
	specErr  error
)

func testSpec(t *testing.T) *Spec {
	t.Helper()
	specOnce.Do(func() {
		spec, specErr = DefaultSpec(os.LookupEnv)
	})
	if specErr != nil {
		t.Fatal(specErr)
	}
	return spec
}

func startTest(t *testing.T) *Server {
	t.Helper()
	s, err := Start(Options{Spec: testSpec(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func send(t *testing.T, s *Server, method, path, body string, auth bool) (int, string) {
	t.Helper()
	var rdr io.Reader
	if body != "" {
		rdr = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, s.URL+path, rdr)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+s.APIKey())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRunProgressesByPolls(t *testing.T) {
	s := startTest(t)
	code, body := send(t, s, "POST", "/api/v2/workers/fake~succeeds/runs", `{"is_async":true,"input":{"parameters":{"custom":{}}}}`, true)
	if code != 200 || body != `{"code":0,"data":{"run_slug":"01KFAKER000000000000000001"},"message":"success","request_id":"req-1"}` {
		t.Fatalf("start: %d %s", code, body)
	}
	var statuses []string
	for i := 0; i < 4; i++ {
		_, body := send(t, s, "GET", "/api/v2/worker-runs/01KFAKER000000000000000001", "", true)
		i := strings.Index(body, `"status":"`)
		statuses = append(statuses, strings.SplitN(body[i+10:], `"`, 2)[0])
	}
	if got := strings.Join(statuses, ","); got != "ready,running,succeeded,succeeded" {
		t.Fatalf("statuses %s", got)
	}
	if v := s.Violations(); len(v) != 0 {
		t.Fatalf("violations: %v", v)
	}
}

func TestSpecViolationsAreRecorded(t *testing.T) {
	s := startTest(t)
	cases := []struct{ method, path, body, want string }{
		{"POST", "/api/v2/workers/fake~succeeds/runs", `{"bogus":1}`, "additional properties"},
		{"GET", "/api/v2/worker-runs/x/result?limit=101", "", "maximum"},
		{"GET", "/api/v2/nowhere", "", "not an operation"},
		{"POST", "/api/v2/workers/fake~succeeds/runs", `{"is_async":"no"}`, "boolean"},
	}
	for _, c := range cases {
		code, _ := send(t, s, c.method, c.path, c.body, true)
		if code != 400 && code != 404 {
			t.Errorf("%s %s: status %d", c.method, c.path, code)
		}
	}
	v := s.Violations()
	if len(v) != len(cases) {
		t.Fatalf("got %d violations, want %d: %v", len(v), len(cases), v)
	}
	for i, c := range cases {
		if !strings.Contains(v[i], c.want) {
			t.Errorf("violation %d = %q, want it to mention %q", i, v[i], c.want)
		}
	}
}

func TestAuth(t *testing.T) {
	s := startTest(t)
	code, body := send(t, s, "GET", "/api/v2/worker-runs/last", "", false)
	if code != 401 || !strings.Contains(body, `"code":12001`) {
		t.Fatalf("no key: %d %s", code, body)
	}
	req, _ := http.NewRequest("GET", s.URL+"/api/v2/worker-runs/last", nil)
	req.Header.Set("Authorization", "Bearer wrong")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(string(b), `"code":12002`) {
		t.Fatalf("wrong key: %d %s", resp.StatusCode, b)
	}
}

// A body, or a Content-Type alone, sent to an operation whose spec defines
// no requestBody (abort, in its three forms) is a violation, answered
// 422/11000 as a spec-strict server does; kin-openapi alone lets it pass.
func TestBodyWhereTheSpecDefinesNone(t *testing.T) {
	s := startTest(t)
	slug, err := s.AddRun("fake/slow", "running", 0)
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"/api/v2/worker-runs/" + slug + "/abort", "/api/v2/worker-runs/last/abort", "/api/v2/workers/fake~slow/runs/last/abort"}
	for _, p := range paths {
		code, body := send(t, s, "POST", p, `{}`, true)
		if code != 422 || !strings.Contains(body, `"code":11000`) {
			t.Errorf("%s with {}: %d %s", p, code, body)
		}
	}
	// Content-Type without a body.
	req, _ := http.NewRequest("POST", s.URL+paths[0], nil)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.APIKey())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 422 {
		t.Errorf("Content-Type alone: %d", resp.StatusCode)
	}
	v := s.Violations()
	if len(v) != 4 || !strings.Contains(v[0], "the operation defines no request body, but the request has 2 body bytes and Content-Type \"application/json\"") ||
		!strings.Contains(v[3], "has 0 body bytes and Content-Type \"application/json\"") {
		t.Fatalf("violations: %q", v)
	}
	// No body, no Content-Type: accepted, and the run shows aborting.
	code, body := send(t, s, "POST", paths[0], "", true)
	if code != 200 || len(s.Violations()) != 4 {
		t.Fatalf("bare abort: %d %s, violations %q", code, body, s.Violations())
	}
}
