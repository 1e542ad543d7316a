package fakeapi

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// data sends a request and decodes the data of a success envelope.
func data(t *testing.T, s *Server, method, path, body string, out any) {
	t.Helper()
	code, raw := send(t, s, method, path, body, true)
	if code != 200 {
		t.Fatalf("%s %s: %d %s", method, path, code, raw)
	}
	var env struct{ Data json.RawMessage }
	if err := json.Unmarshal([]byte(raw), &env); err != nil {
		t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(env.Data, out); err != nil {
			t.Fatalf("%s: %v", env.Data, err)
		}
	}
}

func get(t *testing.T, url string, header http.Header) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func noViolations(t *testing.T, s *Server) {
	t.Helper()
	if v := s.Violations(); len(v) != 0 {
		t.Fatalf("violations: %v", v)
	}
}

func TestAbort(t *testing.T) {
	s := startTest(t)
	slug, _ := s.AddRun("fake/slow", "running", 1)
	data(t, s, "POST", "/api/v2/worker-runs/"+slug+"/abort", "", nil)
	var run struct{ Status string }
	data(t, s, "GET", "/api/v2/worker-runs/"+slug, "", &run)
	if run.Status != "aborting" {
		t.Errorf("status after abort %q", run.Status)
	}
	code, body := send(t, s, "POST", "/api/v2/worker-runs/last/abort", "", true)
	if code != 400 || !strings.Contains(body, `"code":70002`) {
		t.Errorf("second abort: %d %s", code, body)
	}
	done, _ := s.AddRun("fake/succeeds", "succeeded", 1)
	code, _ = send(t, s, "POST", "/api/v2/workers/fake~succeeds/runs/last/abort", "", true)
	if code != 400 {
		t.Errorf("abort of the ended run %s: %d", done, code)
	}
	code, body = send(t, s, "POST", "/api/v2/worker-runs/NOPE/abort", "", true)
	if code != 404 || !strings.Contains(body, `"code":70001`) {
		t.Errorf("unknown run: %d %s", code, body)
	}
	noViolations(t, s)
}

func TestRerun(t *testing.T) {
	s := startTest(t)
	data(t, s, "POST", "/api/v2/workers/fake~succeeds/runs", `{"input":{"parameters":{"custom":{"max_results":2}}}}`, nil)
	var started struct {
		RunSlug    string `json:"run_slug"`
		RunStatus  string `json:"run_status"`
		IsFinished *bool  `json:"is_finished"`
		Results    struct{ Count int }
	}
	data(t, s, "POST", "/api/v2/worker-runs/01KFAKER000000000000000001/rerun", `{"is_async":true}`, &started)
	if started.RunSlug != "01KFAKER000000000000000002" || started.IsFinished != nil {
		t.Errorf("async rerun: %+v", started)
	}
	data(t, s, "POST", "/api/v2/workers/fake~succeeds/runs/last/rerun", `{"is_async":false,"limit":1}`, &started)
	if started.RunSlug != "01KFAKER000000000000000003" || started.RunStatus != "succeeded" ||
		started.IsFinished == nil || !*started.IsFinished || started.Results.Count != 2 {
		t.Errorf("sync rerun: %+v", started)
	}
	data(t, s, "POST", "/api/v2/worker-runs/last/rerun", `{}`, &started)
	if started.RunSlug != "01KFAKER000000000000000004" {
		t.Errorf("rerun of last: %+v", started)
	}
	noViolations(t, s)
}

func TestExportDownloadsFromAnotherHost(t *testing.T) {
	s := startTest(t)
	slug, _ := s.AddRun("coreclaw/google-maps-scraper", "succeeded", 2)
	var link struct {
		DownloadURL string `json:"download_url"`
	}
	data(t, s, "GET", "/api/v2/worker-runs/"+slug+"/result/export?format=csv&filter_keys=rating,title", "", &link)
	if !strings.HasPrefix(link.DownloadURL, s.DownloadURL()+"/_downloads/") || s.DownloadURL() == s.URL {
		t.Fatalf("download_url %q, download host %q, API %q", link.DownloadURL, s.DownloadURL(), s.URL)
	}
	code, body := get(t, link.DownloadURL, nil)
	want := "title,rating\nCoffee Spot 1,4.1\nCoffee Spot 2,4.2\n"
	if code != 200 || body != want {
		t.Errorf("csv: %d %q, want %q", code, body, want)
	}
	reqs := s.Requests()
	if last := reqs[len(reqs)-1]; !s.IsDownloadRequest(last) || s.IsDownloadRequest(reqs[0]) {
		t.Errorf("requests not told apart by host: %+v", reqs)
	}
	noViolations(t, s)

	// A key sent to the download host is a violation.
	get(t, link.DownloadURL, http.Header{"Authorization": {"Bearer " + s.APIKey()}})
	if v := s.Violations(); len(v) != 1 || !strings.Contains(v[0], "carried credentials") {
		t.Errorf("violations %v", v)
	}
}

func TestExportFormats(t *testing.T) {
	s := startTest(t)
	s.AddRun("fake/tricky", "succeeded", 2)
	want := map[string]string{
		"json":  "[\n  {\"name\":\"Comma, Inc.\",\"count\":9007199254740993},\n  {\"name\":\"Line\\nbreak\",\"count\":0}\n]\n",
		"jsonl": "{\"name\":\"Comma, Inc.\",\"count\":9007199254740993}\n{\"name\":\"Line\\nbreak\",\"count\":0}\n",
		"xml":   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<items>\n<item><name>Comma, Inc.</name><count>9007199254740993</count></item>\n<item><name>Line\nbreak</name><count>0</count></item>\n</items>\n",
		"html":  "<!DOCTYPE html>\n<html><body><table>\n<tr><th>name</th><th>count</th></tr>\n<tr><td>Comma, Inc.</td><td>9007199254740993</td></tr>\n<tr><td>Line\nbreak</td><td>0</td></tr>\n</table></body></html>\n",
	}
	for format, body := range want {
		var link struct {
			DownloadURL string `json:"download_url"`
		}
		data(t, s, "GET", "/api/v2/worker-runs/last/export?format="+format+"&filter_keys=count,name", "", &link)
		if _, got := get(t, link.DownloadURL, nil); got != body {
			t.Errorf("%s:\n%q\nwant\n%q", format, got, body)
		}
	}
	for format, size := range map[string]int{"xlsx": 2048, "xls": 4096} {
		var link struct {
			DownloadURL string `json:"download_url"`
		}
		data(t, s, "GET", "/api/v2/workers/fake~tricky/runs/last/export?format="+format, "", &link)
		if _, got := get(t, link.DownloadURL, nil); len(got) != size {
			t.Errorf("%s: %d bytes, want %d", format, len(got), size)
		}
	}
	noViolations(t, s)
}

func TestLogWindowAndFullLog(t *testing.T) {
	s := startTest(t)
	slug, _ := s.AddRun("fake/succeeds", "succeeded", 3)
	var log struct {
		AllLogsURL  string            `json:"all_logs_url"`
		List        []json.RawMessage `json:"list"`
		ResultCount int               `json:"result_count"`
	}
	data(t, s, "GET", "/api/v2/worker-runs/"+slug+"/log", "", &log)
	if len(log.List) != logWindow || log.ResultCount != 3 {
		t.Fatalf("log: %d entries, %d results", len(log.List), log.ResultCount)
	}
	if got := string(log.List[logWindow-1]); !strings.Contains(got, `"content":"SYSTEM: Finished with 3 results"`) || !strings.Contains(got, `"type":2`) {
		t.Errorf("last entry %s", got)
	}
	_, full := get(t, log.AllLogsURL, nil)
	if n := strings.Count(full, "\n"); n != 9 || !strings.Contains(full, "[WARN] \x1b[33mslow reply") {
		t.Errorf("full log (%d lines):\n%s", n, full)
	}

	s.SetVariants(Variants{StringLogs: true})
	data(t, s, "GET", "/api/v2/worker-runs/last/log", "", &log)
	if got := string(log.List[logWindow-1]); got != `"SYSTEM: Finished with 3 results"` {
		t.Errorf("string entry %s", got)
	}
	noViolations(t, s)
}

func TestTruncatedDownload(t *testing.T) {
	s := startTest(t)
	s.AddRun("fake/big", "succeeded", 50)
	s.AddFault(Fault{Method: "GET", Path: "/_downloads/*", Truncate: true, Times: 1})
	var link struct {
		DownloadURL string `json:"download_url"`
	}
	data(t, s, "GET", "/api/v2/worker-runs/last/export?format=csv", "", &link)
	resp, err := http.Get(link.DownloadURL)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || resp.ContentLength <= int64(len(b)) {
		t.Errorf("truncated download: read %d of %d bytes, err %v", len(b), resp.ContentLength, err)
	}
	code, full := get(t, link.DownloadURL, nil)
	if code != 200 || strings.Count(full, "\n") != 51 {
		t.Errorf("second try: %d, %d lines", code, strings.Count(full, "\n"))
	}
}
