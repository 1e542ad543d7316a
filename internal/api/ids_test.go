package api

import (
	"testing"
)

func TestParseWorkerID(t *testing.T) {
	tests := []struct {
		in   string
		want WorkerID
	}{
		{"coreclaw/google-maps-scraper", "coreclaw~google-maps-scraper"},
		{"coreclaw~google-maps-scraper", "coreclaw~google-maps-scraper"},
		{"01KPD6M5YQADCQKGVKPDZVYC63", "01KPD6M5YQADCQKGVKPDZVYC63"},
		{"01kpd6m5yqadcqkgvkpdzvyc63", "01kpd6m5yqadcqkgvkpdzvyc63"}, // a slug typed in lower case is still a slug
		{"a.b_c-d/e.f_g-h", "a.b_c-d~e.f_g-h"},
		{"owner/123", "owner~123"}, // a numeric name is fine; only a bare number is refused
		{"123/name", "123~name"},
		{"Owner/Name", "Owner~Name"},
		{"owner/名前", "owner~名前"},
		{"ünï/cødé", "ünï~cødé"},
	}
	for _, tt := range tests {
		got, err := ParseWorkerID(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseWorkerID(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if got.String() != string(tt.want) {
			t.Errorf("String() = %q", got.String())
		}
	}
}

func TestParseWorkerIDRejections(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "worker id is empty: use owner/name, owner~name or a Worker slug"},
		{"/name", `worker id "/name" has an empty owner or name`},
		{"owner/", `worker id "owner/" has an empty owner or name`},
		{"~name", `worker id "~name" has an empty owner or name`},
		{"owner~", `worker id "owner~" has an empty owner or name`},
		{"/", `worker id "/" has an empty owner or name`},
		{"~", `worker id "~" has an empty owner or name`},
		{"a/b/c", `worker id "a/b/c" has more than one separator: use owner/name, owner~name or a Worker slug`},
		{"a~b/c", `worker id "a~b/c" has more than one separator: use owner/name, owner~name or a Worker slug`},
		{"a//b", `worker id "a//b" has more than one separator: use owner/name, owner~name or a Worker slug`},
		{"a~~b", `worker id "a~~b" has more than one separator: use owner/name, owner~name or a Worker slug`},
		{"/a/", `worker id "/a/" has more than one separator: use owner/name, owner~name or a Worker slug`},
		{" a/b", `worker id " a/b" contains whitespace`},
		{"a/b ", `worker id "a/b " contains whitespace`},
		{"a b", `worker id "a b" contains whitespace`},
		{"a\tb", `worker id "a\tb" contains whitespace`},
		{"a\nb", `worker id "a\nb" contains whitespace`},
		{"a\u00a0b", `worker id "a\u00a0b" contains whitespace`},
		{"a\u3000b", `worker id "a\u3000b" contains whitespace`},
		{"a\x00b", `worker id "a\x00b" contains a control character`},
		{"a\x1b[31mb", `worker id "a\x1b[31mb" contains a control character`},
		{"a\x7fb", `worker id "a\x7fb" contains a control character`},
		{"a\u009bb", `worker id "a\u009bb" contains a control character`},
		{"..", `worker id "..": ".." is not a valid name`},
		{".", `worker id ".": "." is not a valid name`},
		{"../x", `worker id "../x": ".." is not a valid name`},
		{"x/..", `worker id "x/..": ".." is not a valid name`},
		{"./x", `worker id "./x": "." is not a valid name`},
		{"a..b", `worker id "a..b": "a..b" is not a valid name`},
		{"a%2Fb", `worker id "a%2Fb": character '%' is not allowed`},
		{"a?b", `worker id "a?b": character '?' is not allowed`},
		{"a#b", `worker id "a#b": character '#' is not allowed`},
		{`a\b`, `worker id "a\\b": character '\\' is not allowed`},
		{"a:b", `worker id "a:b": character ':' is not allowed`},
		{"a@b/c", `worker id "a@b/c": character '@' is not allowed`},
		{"a\u200bb", `worker id "a\u200bb": character '\u200b' is not allowed`},
		{"12345", `worker id "12345" looks like a numeric internal id, which the API does not accept: use owner/name or the Worker slug`},
		{"32708435341606912", `worker id "32708435341606912" looks like a numeric internal id, which the API does not accept: use owner/name or the Worker slug`},
		{"0", `worker id "0" looks like a numeric internal id, which the API does not accept: use owner/name or the Worker slug`},
		// Without an owner, only a Worker slug (a ULID) names a Worker.
		{"google-maps-scraper", "worker id \"google-maps-scraper\" has no owner: write owner/name (`coreclaw workers search google-maps-scraper` shows it) or the Worker's slug"},
		{"demo-worker", "worker id \"demo-worker\" has no owner: write owner/name (`coreclaw workers search demo-worker` shows it) or the Worker's slug"},
		{"x", "worker id \"x\" has no owner: write owner/name (`coreclaw workers search x` shows it) or the Worker's slug"},
		{"01KPD6M5YQADCQKGVKPDZVYC6", "worker id \"01KPD6M5YQADCQKGVKPDZVYC6\" has no owner: write owner/name (`coreclaw workers search 01KPD6M5YQADCQKGVKPDZVYC6` shows it) or the Worker's slug"},
		{"81KPD6M5YQADCQKGVKPDZVYC63", "worker id \"81KPD6M5YQADCQKGVKPDZVYC63\" has no owner: write owner/name (`coreclaw workers search 81KPD6M5YQADCQKGVKPDZVYC63` shows it) or the Worker's slug"},
		{"01KPD6M5YQADCQKGVKPDZVYCU3", "worker id \"01KPD6M5YQADCQKGVKPDZVYCU3\" has no owner: write owner/name (`coreclaw workers search 01KPD6M5YQADCQKGVKPDZVYCU3` shows it) or the Worker's slug"},
	}
	for _, tt := range tests {
		got, err := ParseWorkerID(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseWorkerID(%q) = %q, %v;\n want error %q", tt.in, got, err, tt.want)
		}
		if got != "" {
			t.Errorf("ParseWorkerID(%q) returned %q with the error", tt.in, got)
		}
	}
}

func TestWorkerIDPathSegment(t *testing.T) {
	for in, want := range map[WorkerID]string{
		"coreclaw~google-maps-scraper": "coreclaw~google-maps-scraper",
		"owner~名前":                     "owner~%E5%90%8D%E5%89%8D",
		"01KPD6M5YQADCQKGVKPDZVYC63":   "01KPD6M5YQADCQKGVKPDZVYC63",
	} {
		if got := in.PathSegment(); got != want {
			t.Errorf("%q.PathSegment() = %q, want %q", in, got, want)
		}
	}
}

func TestValidateSlug(t *testing.T) {
	ok := []string{"01KKDXV2G26BT7NH4ZQR2R4NPZ", "123456", "a.b-c_d", "last", "LAST", "x~y", "café", "..a", "a.."}
	for _, s := range ok {
		if err := ValidateSlug("run", s); err != nil {
			t.Errorf("ValidateSlug(%q) = %v", s, err)
		}
	}
	tests := []struct {
		kind, in, want string
	}{
		{"run", "", "run id is empty"},
		{"task", "", "task id is empty"},
		{"run", "a b", `run id "a b" contains whitespace or a control character`},
		{"run", "a\tb", `run id "a\tb" contains whitespace or a control character`},
		{"run", "ab\n", `run id "ab\n" contains whitespace or a control character`},
		{"run", "a\x1bb", `run id "a\x1bb" contains whitespace or a control character`},
		{"run", "a\u0085", `run id "a\u0085" contains whitespace or a control character`},
		{"run", "a/b", `run id "a/b" contains '/', which is not allowed`},
		{"queue", `a\b`, `queue id "a\\b" contains '\\', which is not allowed`},
		{"run", "a?x=1", `run id "a?x=1" contains '?', which is not allowed`},
		{"run", "a#b", `run id "a#b" contains '#', which is not allowed`},
		{"run", "a%2F", `run id "a%2F" contains '%', which is not allowed`},
		{"run", ".", `run id "." is not valid`},
		{"run", "..", `run id ".." is not valid`},
	}
	for _, tt := range tests {
		if err := ValidateSlug(tt.kind, tt.in); err == nil || err.Error() != tt.want {
			t.Errorf("ValidateSlug(%q, %q) = %v, want %q", tt.kind, tt.in, err, tt.want)
		}
	}
}

func TestIsRunSlug(t *testing.T) {
	for _, s := range []string{"01KKDXV2G26BT7NH4ZQR2R4NPZ", "01KFAKER000000000000000001", "7ZZZZZZZZZZZZZZZZZZZZZZZZZ", "00000000000000000000000000"} {
		if !IsRunSlug(s) {
			t.Errorf("IsRunSlug(%q) = false", s)
		}
	}
	for _, s := range []string{
		"", "01KNOSUCHRUN", "01KKDXV2G26BT7NH4ZQR2R4NP", "01KKDXV2G26BT7NH4ZQR2R4NPZZ",
		"01kkdxv2g26bt7nh4zqr2r4npz", // the API writes upper case
		"01KKDXV2G26BT7NH4ZQR2R4NPU", // U is not Crockford base32
		"01KKDXV2G26BT7NH4ZQR2R4NPI", "01KKDXV2G26BT7NH4ZQR2R4NPL", "01KKDXV2G26BT7NH4ZQR2R4NPO",
		"81KKDXV2G26BT7NH4ZQR2R4NPZ", // beyond 48 bits of time
		" 1KKDXV2G26BT7NH4ZQR2R4NPZ", `{"keywords":["tea"]}`, "01KKDXV2G26BT7NH4ZQR2R4NP/",
	} {
		if IsRunSlug(s) {
			t.Errorf("IsRunSlug(%q) = true", s)
		}
	}
}

func TestParseRunRef(t *testing.T) {
	tests := []struct {
		arg    string
		worker WorkerID
		want   RunRef
		err    string
	}{
		{"01KKDXV2G26BT7NH4ZQR2R4NPZ", "", RunRef{Slug: "01KKDXV2G26BT7NH4ZQR2R4NPZ"}, ""},
		{"last", "", RunRef{Last: true}, ""},
		{"last", "coreclaw~maps", RunRef{Last: true, Worker: "coreclaw~maps"}, ""},
		{"LAST", "", RunRef{Slug: "LAST"}, ""}, // only the lower-case word is the shortcut
		{"01K", "coreclaw~maps", RunRef{}, `--worker only goes with the run "last"`},
		{"", "", RunRef{}, "run id is empty"},
		{"a/b", "", RunRef{}, `run id "a/b" contains '/', which is not allowed`},
		{"..", "", RunRef{}, `run id ".." is not valid`},
	}
	for _, tt := range tests {
		got, err := ParseRunRef(tt.arg, tt.worker)
		errText := ""
		if err != nil {
			errText = err.Error()
		}
		if got != tt.want || errText != tt.err {
			t.Errorf("ParseRunRef(%q, %q) = %+v, %q; want %+v, %q", tt.arg, tt.worker, got, errText, tt.want, tt.err)
		}
	}
}

func TestRunRefPaths(t *testing.T) {
	tests := []struct {
		ref          RunRef
		base, export string
		str          string
	}{
		{RunRef{Slug: "01KKDXV2G26BT7NH4ZQR2R4NPZ"},
			"/api/v2/worker-runs/01KKDXV2G26BT7NH4ZQR2R4NPZ", "/api/v2/worker-runs/01KKDXV2G26BT7NH4ZQR2R4NPZ/result/export", "01KKDXV2G26BT7NH4ZQR2R4NPZ"},
		{RunRef{Last: true},
			"/api/v2/worker-runs/last", "/api/v2/worker-runs/last/export", "last run"},
		{RunRef{Last: true, Worker: "coreclaw~google-maps-scraper"},
			"/api/v2/workers/coreclaw~google-maps-scraper/runs/last", "/api/v2/workers/coreclaw~google-maps-scraper/runs/last/export", "last run of coreclaw~google-maps-scraper"},
		{RunRef{Last: true, Worker: "o~名"},
			"/api/v2/workers/o~%E5%90%8D/runs/last", "/api/v2/workers/o~%E5%90%8D/runs/last/export", "last run of o~名"},
		{RunRef{Slug: "café"},
			"/api/v2/worker-runs/caf%C3%A9", "/api/v2/worker-runs/caf%C3%A9/result/export", "café"},
	}
	for _, tt := range tests {
		if got := tt.ref.base(); got != tt.base {
			t.Errorf("%+v base() = %q, want %q", tt.ref, got, tt.base)
		}
		if got := tt.ref.exportPath(); got != tt.export {
			t.Errorf("%+v exportPath() = %q, want %q", tt.ref, got, tt.export)
		}
		if got := tt.ref.String(); got != tt.str {
			t.Errorf("%+v String() = %q, want %q", tt.ref, got, tt.str)
		}
	}
}

func TestParseBaseURL(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "https://openapi.coreclaw.com"},
		{"https://openapi.coreclaw.com", "https://openapi.coreclaw.com"},
		{"https://openapi.coreclaw.com/", "https://openapi.coreclaw.com"},
		{"https://proxy.example.com/coreclaw/", "https://proxy.example.com/coreclaw"},
		{"https://proxy.example.com/a/b//", "https://proxy.example.com/a/b"},
		{"https://proxy.example.com:8443", "https://proxy.example.com:8443"},
		{"HTTPS://Openapi.Coreclaw.com", "https://Openapi.Coreclaw.com"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080"},
		{"http://127.1.2.3", "http://127.1.2.3"},
		{"http://localhost:9", "http://localhost:9"},
		{"http://LOCALHOST", "http://LOCALHOST"},
		{"http://[::1]:9/api-prefix", "http://[::1]:9/api-prefix"},
		{"http://[::ffff:127.0.0.1]:9", "http://[::ffff:127.0.0.1]:9"},
		{"https://10.0.0.1", "https://10.0.0.1"},
	}
	for _, tt := range tests {
		u, err := ParseBaseURL(tt.in)
		if err != nil {
			t.Errorf("ParseBaseURL(%q): %v", tt.in, err)
			continue
		}
		if u.String() != tt.want {
			t.Errorf("ParseBaseURL(%q) = %s, want %s", tt.in, u, tt.want)
		}
	}
}

func TestParseBaseURLRejections(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"http://api.example.com", `base URL "http://api.example.com" uses http: only https is allowed, except on a loopback address`},
		{"http://0.0.0.0:8080", `base URL "http://0.0.0.0:8080" uses http: only https is allowed, except on a loopback address`},
		{"http://10.0.0.1", `base URL "http://10.0.0.1" uses http: only https is allowed, except on a loopback address`},
		{"http://localhost.example.com", `base URL "http://localhost.example.com" uses http: only https is allowed, except on a loopback address`},
		{"http://127.0.0.1.nip.io", `base URL "http://127.0.0.1.nip.io" uses http: only https is allowed, except on a loopback address`},
		{"ftp://example.com", `base URL "ftp://example.com" is not an http(s) URL`},
		{"openapi.coreclaw.com", `base URL "openapi.coreclaw.com" is not an http(s) URL`},
		{"https://", `base URL "https://" is not an http(s) URL`},
		{"https:///path", `base URL "https:///path" is not an http(s) URL`},
		{"://bad", `base URL "://bad" is not an http(s) URL`},
		{"https://exa mple.com", `base URL "https://exa mple.com" is not an http(s) URL`},
		{"https://user:secret@api.example.com", `base URL "https://api.example.com" must not carry user info, a query or a fragment`},
		{"https://user@api.example.com", `base URL "https://api.example.com" must not carry user info, a query or a fragment`},
		{"https://api.example.com/?token=cc_secret", `base URL "https://api.example.com/?token=[REDACTED]" must not carry user info, a query or a fragment`},
		{"https://api.example.com/?api_key=s&x=1", `base URL "https://api.example.com/?api_key=[REDACTED]&x=1" must not carry user info, a query or a fragment`},
		{"https://api.example.com/#frag", `base URL "https://api.example.com/#frag" must not carry user info, a query or a fragment`},
		{"https://api.example.com/?", `base URL "https://api.example.com/?" must not carry user info, a query or a fragment`},
	}
	for _, tt := range tests {
		u, err := ParseBaseURL(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseBaseURL(%q) = %v, %v;\n want error %q", tt.in, u, err, tt.want)
		}
	}
}

func TestIsLoopbackHost(t *testing.T) {
	tests := map[string]bool{
		"localhost":        true,
		"LocalHost":        true,
		"127.0.0.1":        true,
		"127.255.255.254":  true,
		"::1":              true,
		"0:0:0:0:0:0:0:1":  true,
		"::ffff:127.0.0.1": true,
		"[::1]":            false, // a host name, brackets already removed by url.Hostname
		"localhost.":       false,
		"0.0.0.0":          false,
		"::":               false,
		"10.0.0.1":         false,
		"example.com":      false,
		"":                 false,
	}
	for host, want := range tests {
		if got := IsLoopbackHost(host); got != want {
			t.Errorf("IsLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
