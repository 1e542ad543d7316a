package api

import (
	"encoding/json"
	"testing"
)

func TestStatusDecoding(t *testing.T) {
	tests := []struct {
		json string
		want Status
	}{
		{`"ready"`, StatusReady},
		{`"running"`, StatusRunning},
		{`"succeeded"`, StatusSucceeded},
		{`"failed"`, StatusFailed},
		{`"aborting"`, StatusAborting},
		{`"aborted"`, StatusAborted},
		{`"RUNNING"`, StatusRunning},
		{`"Succeeded"`, StatusSucceeded},
		{`" failed "`, StatusFailed},
		{`1`, StatusReady},
		{`2`, StatusRunning},
		{`3`, StatusSucceeded},
		{`4`, StatusFailed},
		{`5`, StatusAborting}, // the v2 mapping of the v1 integer
		{`"1"`, StatusReady},
		{`"5"`, StatusAborting},
		{`" 3 "`, StatusSucceeded},
		{`"\u0033"`, StatusSucceeded},
		{`0`, Status("0")}, // "all" in v1 filters, not a run status
		{`6`, Status("6")},
		{`-1`, Status("-1")},
		{`3.0`, Status("3.0")},
		{`"success"`, StatusSucceeded},
		{`"SUCCESS"`, StatusSucceeded},
		{`"completed"`, StatusSucceeded},
		{`"finished"`, StatusSucceeded},
		{`"cancelled"`, StatusAborted},
		{`"canceled"`, StatusAborted},
		{`"paused"`, Status("paused")},
		{`"PAUSED"`, Status("paused")},
		{`"timed-out"`, Status("timed-out")},
		{`""`, Status("")},
		{`null`, Status("")},
		{` null `, Status("")},
		{`true`, Status("true")},
	}
	for _, tt := range tests {
		var s Status = "previous"
		if err := json.Unmarshal([]byte(tt.json), &s); err != nil {
			t.Errorf("Unmarshal(%s): %v", tt.json, err)
			continue
		}
		if s != tt.want {
			t.Errorf("Unmarshal(%s) = %q, want %q", tt.json, s, tt.want)
		}
	}
	// Inside a record, as the run detail has it.
	var run Run
	if err := json.Unmarshal([]byte(`{"slug":"x","status":3}`), &run); err != nil || run.Status != StatusSucceeded {
		t.Errorf("run status = %q, %v", run.Status, err)
	}
	var s Status
	if err := json.Unmarshal([]byte(`"unterminated`), &s); err == nil {
		t.Error("a broken string decoded without error")
	}
}

func TestParseStatus(t *testing.T) {
	for in, want := range map[string]Status{
		"Ready": StatusReady, "4": StatusFailed, " aborting\n": StatusAborting, "Canceled": StatusAborted, "x": "x", "": "",
	} {
		if got := ParseStatus(in); got != want {
			t.Errorf("ParseStatus(%q) = %q, want %q", in, got, want)
		}
	}
	if got := ListStatuses(); len(got) != 5 || got[0] != StatusReady || got[4] != StatusAborting {
		t.Errorf("ListStatuses() = %v", got)
	}
}

func TestStatusPredicates(t *testing.T) {
	tests := []struct {
		s                        Status
		terminal, aborted, known bool
	}{
		{StatusReady, false, false, true},
		{StatusRunning, false, false, true},
		{StatusSucceeded, true, false, true},
		{StatusFailed, true, false, true},
		{StatusAborting, true, true, true},
		{StatusAborted, true, true, true},
		{"", false, false, false},
		{"paused", false, false, false},
		{"SUCCEEDED", false, false, false}, // not normalised: only decoding does that
	}
	for _, tt := range tests {
		if tt.s.Terminal() != tt.terminal || tt.s.Aborted() != tt.aborted || tt.s.Known() != tt.known {
			t.Errorf("%q: Terminal %v Aborted %v Known %v; want %v %v %v",
				tt.s, tt.s.Terminal(), tt.s.Aborted(), tt.s.Known(), tt.terminal, tt.aborted, tt.known)
		}
		if tt.s.String() != string(tt.s) {
			t.Errorf("String() = %q", tt.s.String())
		}
	}
}

func TestInt64Decoding(t *testing.T) {
	tests := []struct {
		json string
		want Int64
	}{
		{`0`, 0},
		{`123`, 123},
		{`-5`, -5},
		{`-0`, 0},
		{`"123"`, 123},
		{`" 42 "`, 42},
		{`""`, 0},
		{`"  "`, 0},
		{`null`, 0},
		{`9007199254740993`, 9007199254740993}, // 2^53 + 1: no float64 on the way
		{`"1786001196232214890"`, 1786001196232214890}, // a task id
		{`32708435341606912`, 32708435341606912},       // a worker_id
		{`9223372036854775807`, 9223372036854775807},   // max int64
		{`-9223372036854775808`, -9223372036854775808}, // min int64
		{`12.0`, 12},
		{`"12.0"`, 12},
		{`1.5e3`, 1500},
		{`1e3`, 1000},
		{`1E+2`, 100},
		{`0.0`, 0},
		{`-7.000`, -7},
		{`12000e-3`, 12},
		{`1786001196232214890.0`, 1786001196232214890}, // beyond 2^53, written as a float
		{`9007199254740993.00`, 9007199254740993},
		{`9.007199254740993e15`, 9007199254740993},
		{`0e5`, 0},
		{`-0.0e0`, 0},
		{`0.000e-400`, 0},
		{`"1."`, 1},
		{`"+7"`, 7},
		{`1.23456789e8`, 123456789},
		{`92233720368547758.07e2`, 9223372036854775807},
	}
	for _, tt := range tests {
		var n Int64 = 99
		if err := json.Unmarshal([]byte(tt.json), &n); err != nil {
			t.Errorf("Unmarshal(%s): %v", tt.json, err)
			continue
		}
		if n != tt.want {
			t.Errorf("Unmarshal(%s) = %d, want %d", tt.json, n, tt.want)
		}
	}
}

func TestInt64DecodingErrors(t *testing.T) {
	tests := []struct {
		json string
		want string
	}{
		{`1.5`, "cannot read 1.5 as an integer"},
		{`"1.5"`, "cannot read 1.5 as an integer"},
		{`1e-3`, "cannot read 1e-3 as an integer"},
		{`"abc"`, "cannot read abc as an integer"},
		{`true`, "cannot read true as an integer"},
		{`{}`, "cannot read {} as an integer"},
		{`[1]`, "cannot read [1] as an integer"},
		{`9223372036854775808`, "cannot read 9223372036854775808 as an integer"}, // max int64 + 1
		{`-9223372036854775809`, "cannot read -9223372036854775809 as an integer"},
		{`1e19`, "cannot read 1e19 as an integer"},
		{`1e400`, "cannot read 1e400 as an integer"},
		{`1e999999999`, "cannot read 1e999999999 as an integer"},
		{`5e-400`, "cannot read 5e-400 as an integer"},
		{`1e20`, "cannot read 1e20 as an integer"},
		{`9.3e18`, "cannot read 9.3e18 as an integer"},
		{`"1e"`, "cannot read 1e as an integer"},
		{`"1.2.3"`, "cannot read 1.2.3 as an integer"},
		{`".5e1"`, "cannot read .5e1 as an integer"},
		{`"1e+"`, "cannot read 1e+ as an integer"},
		{`"--1"`, "cannot read --1 as an integer"},
		{`"0x10"`, "cannot read 0x10 as an integer"},
		{`"1_000"`, "cannot read 1_000 as an integer"},
		{`"NaN"`, "cannot read NaN as an integer"},
		{`"Inf"`, "cannot read Inf as an integer"},
		{`"12345678901234567890123456789012345678901234567890"`, "cannot read 1234567890123456789012345678901234567890… as an integer"},
	}
	for _, tt := range tests {
		var n Int64
		err := json.Unmarshal([]byte(tt.json), &n)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Unmarshal(%s) = %d, %v; want error %q", tt.json, n, err, tt.want)
		}
	}
}

func TestTextDecoding(t *testing.T) {
	tests := []struct {
		json string
		want Text
	}{
		{`"1.00"`, "1.00"},
		{`1.00`, "1.00"},
		{`0.0217`, "0.0217"},
		{`"0.0217"`, "0.0217"},
		{`12`, "12"},
		{`1e-5`, "1e-5"},
		{`9007199254740993`, "9007199254740993"},
		{`true`, "true"},
		{`false`, "false"},
		{`null`, ""},
		{`""`, ""},
		{`"caf\u00e9 <&>"`, "café <&>"},
		{`{"a": 1}`, `{"a": 1}`},
		{`[1, "x"]`, `[1, "x"]`},
	}
	for _, tt := range tests {
		var s Text = "previous"
		if err := json.Unmarshal([]byte(tt.json), &s); err != nil {
			t.Errorf("Unmarshal(%s): %v", tt.json, err)
			continue
		}
		if s != tt.want {
			t.Errorf("Unmarshal(%s) = %q, want %q", tt.json, s, tt.want)
		}
	}
}

func TestRunDecoding(t *testing.T) {
	// The spec example, and the same record as an old server writes it.
	for _, doc := range []string{
		`{"slug":"01KKDXV2G26BT7NH4ZQR2R4NPZ","scraper_slug":"demo-worker","scraper_title":"Demo Worker","version":"v1.2.8","status":"succeeded","results":1,"usage":"1.00","traffic":0,"origin":"openapi","started_at":1782091200,"finished_at":1782091210,"duration":10,"err_msg":"","extra":{"x":1}}`,
		`{"slug":"01KKDXV2G26BT7NH4ZQR2R4NPZ","scraper_slug":"demo-worker","scraper_title":"Demo Worker","version":"v1.2.8","status":3,"results":"1","usage":1.00,"traffic":null,"origin":"openapi","started_at":"1782091200","finished_at":1782091210.0,"duration":10}`,
	} {
		var r Run
		if err := json.Unmarshal([]byte(doc), &r); err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		want := Run{Slug: "01KKDXV2G26BT7NH4ZQR2R4NPZ", ScraperSlug: "demo-worker", ScraperTitle: "Demo Worker", Version: "v1.2.8",
			Status: StatusSucceeded, Results: 1, Usage: "1.00", Origin: "openapi", StartedAt: 1782091200, FinishedAt: 1782091210, Duration: 10}
		if r != want {
			t.Errorf("decoded\n%+v\nwant\n%+v", r, want)
		}
	}
}

func TestStartedRunFinished(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name string
		s    StartedRun
		want bool
	}{
		{"async reply", StartedRun{RunSlug: "x"}, false},
		{"succeeded", StartedRun{RunSlug: "x", RunStatus: StatusSucceeded}, true},
		{"failed", StartedRun{RunSlug: "x", RunStatus: StatusFailed}, true},
		{"aborting", StartedRun{RunSlug: "x", RunStatus: StatusAborting}, true},
		{"still running", StartedRun{RunSlug: "x", RunStatus: StatusRunning}, false},
		{"rerun finished", StartedRun{RunSlug: "x", RunStatus: StatusSucceeded, IsFinished: &yes}, true},
		{"rerun says not finished", StartedRun{RunSlug: "x", RunStatus: StatusSucceeded, IsFinished: &no}, false},
		{"finished flag without a status", StartedRun{RunSlug: "x", IsFinished: &yes}, false},
	}
	for _, tt := range tests {
		if got := tt.s.Finished(); got != tt.want {
			t.Errorf("%s: Finished() = %v, want %v", tt.name, got, tt.want)
		}
	}
	// The audited synchronous reply decodes, results included.
	var s StartedRun
	doc := `{"run_slug":"01KZAZ2B7T3Q0R8C784NCRWC03","run_status":"succeeded","error_message":"","execution_start_timestamp":1786000780,"execution_end_timestamp":1786000787,"running_duration":7,"result_message":"","results":{"count":1,"headers":[{"key":"title","label":"Title","format":"text"}],"list":[{"title":"Example result","n":1.50}],"page_index":1,"page_size":20}}`
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		t.Fatal(err)
	}
	if s.RunSlug != "01KZAZ2B7T3Q0R8C784NCRWC03" || s.RunStatus != StatusSucceeded || s.RunningDuration != 7 || s.ExecutionEnd != 1786000787 ||
		s.Results == nil || s.Results.Count != 1 || len(s.Results.List) != 1 || string(s.Results.List[0]) != `{"title":"Example result","n":1.50}` ||
		s.Results.PageIndex == nil || *s.Results.PageIndex != 1 || s.Results.Headers[0] != (Header{Key: "title", Label: "Title"}) || !s.Finished() {
		t.Errorf("decoded %+v (results %+v)", s, s.Results)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "abc…"},
		{"", 0, ""},
		{"咖啡", 4, "咖…"}, // never cuts inside a character
		{"咖啡", 3, "咖…"},
		{"咖啡", 2, "…"},
		{"a咖", 2, "a…"},
	}
	for _, tt := range tests {
		if got := truncate(tt.s, tt.n); got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}
