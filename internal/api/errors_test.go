package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func reply(status int, header map[string]string) *http.Response {
	h := http.Header{}
	for k, v := range header {
		h.Set(k, v)
	}
	return &http.Response{StatusCode: status, Header: h}
}

func TestDecodeEnvelopeSuccess(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		data   string // the raw data returned ("" for none)
	}{
		{"data object", 200, `{"code":0,"message":"success","request_id":"req-1","data":{"a":1,"b":[1.50]}}`, `{"a":1,"b":[1.50]}`},
		{"no data (abort, delete)", 200, `{"code":0,"message":"success","request_id":"req-1"}`, ""},
		{"null data", 200, `{"code":0,"message":"success","data":null}`, "null"},
		{"empty object data", 200, `{"code":0,"message":"success","data":{}}`, "{}"},
		{"code as a string", 200, `{"code":"0","message":"success","data":1}`, "1"},
		{"other 2xx", 201, `{"code":0,"message":"created","data":"x"}`, `"x"`},
		{"no message", 200, `{"code":0,"data":[]}`, "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := decodeEnvelope(reply(tt.status, nil), []byte(tt.body))
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if string(data) != tt.data {
				t.Errorf("data = %s, want %s", data, tt.data)
			}
		})
	}
}

func TestDecodeEnvelopeErrors(t *testing.T) {
	html := "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n"
	tests := []struct {
		name   string
		status int
		header map[string]string
		body   string
		want   Error
	}{
		{"2xx with code != 0", 200, nil, `{"code":11000,"message":"invalid argument","request_id":"req-10"}`,
			Error{HTTPStatus: 200, Code: 11000, Message: "invalid argument", RequestID: "req-10"}},
		{"401", 401, map[string]string{"X-Request-Id": "hdr"}, `{"code":12002,"message":"invalid token","request_id":"req-123"}`,
			Error{HTTPStatus: 401, Code: 12002, Message: "invalid token", RequestID: "req-123"}},
		{"details as strings", 422, nil, `{"code":11000,"message":"invalid argument","request_id":"r","details":["limit: must be <= 100","offset: must be >= 0"]}`,
			Error{HTTPStatus: 422, Code: 11000, Message: "invalid argument", RequestID: "r", Details: []string{"limit: must be <= 100", "offset: must be >= 0"}}},
		{"details as objects and numbers", 400, nil, `{"code":11000,"message":"bad","details":[{"field":"limit", "reason":"max"},"text",3,null]}`,
			Error{HTTPStatus: 400, Code: 11000, Message: "bad", Details: []string{`{"field":"limit", "reason":"max"}`, "text", "3", ""}}},
		{"details null", 400, nil, `{"code":50001,"message":"worker does not exist","details":null}`,
			Error{HTTPStatus: 400, Code: 50001, Message: "worker does not exist", Details: []string{}}},
		{"details a single string", 400, nil, `{"code":11000,"message":"bad","details":"one"}`,
			Error{HTTPStatus: 400, Code: 11000, Message: "bad", Details: []string{"one"}}},
		{"details an object", 400, nil, `{"code":11000,"message":"bad","details":{"a":1}}`,
			Error{HTTPStatus: 400, Code: 11000, Message: "bad"}},
		{"details empty", 400, nil, `{"code":11000,"message":"bad","details":[]}`,
			Error{HTTPStatus: 400, Code: 11000, Message: "bad", Details: []string{}}},
		{"500 with the request id only in the header", 500, map[string]string{"X-Request-Id": "hdr-7"}, `{"code":10000,"message":"internal server error"}`,
			Error{HTTPStatus: 500, Code: 10000, Message: "internal server error", RequestID: "hdr-7"}},
		{"429 with Retry-After", 429, map[string]string{"Retry-After": "3"}, `{"code":13000,"message":"too many requests","request_id":"r"}`,
			Error{HTTPStatus: 429, Code: 13000, Message: "too many requests", RequestID: "r", RetryAfter: "3"}},
		{"4xx with code 0", 404, nil, `{"code":0,"message":"not found"}`,
			Error{HTTPStatus: 404, Message: "not found"}},
		{"gateway HTML", 502, map[string]string{"X-Request-Id": "gw-1", "Retry-After": "5"}, html,
			Error{HTTPStatus: 502, NotJSON: true, RequestID: "gw-1", RetryAfter: "5",
				BodyExcerpt: "502 Bad Gateway"}},
		{"HTML title with entities and spaces", 503, nil, "<!DOCTYPE html>\n<html lang=en><head>\n<TITLE>\n  Down &amp; out\n</TITLE><style>h1{}</style></head><body><p>x</p></body></html>",
			Error{HTTPStatus: 503, NotJSON: true, BodyExcerpt: "Down & out"}},
		{"HTML without a title: its first visible text", 502, nil, "<html><head><style>body{color:red}</style><script>var a='<b>';</script></head>\n<body>\n<!-- upstream: 10.0.0.7 -->\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body></html>",
			Error{HTTPStatus: 502, NotJSON: true, BodyExcerpt: "502 Bad Gateway"}},
		{"HTML with an empty title", 500, nil, "<html><title> </title><body><div>\n  Internal &lt;error&gt;\n</div></body></html>",
			Error{HTTPStatus: 500, NotJSON: true, BodyExcerpt: "Internal <error>"}},
		{"HTML title with markup and escapes in it", 502, nil, "<html><title>\x1b]0;pwned\x07Bad <b>gateway</b>\u202e</title></html>",
			Error{HTTPStatus: 502, NotJSON: true, BodyExcerpt: "Bad gateway"}},
		{"HTML page with nothing visible", 502, nil, "<html><body><script>x()</script></body></html>",
			Error{HTTPStatus: 502, NotJSON: true}},
		{"a long HTML title is cut", 502, nil, "<title>" + strings.Repeat("t", 200) + "</title>",
			Error{HTTPStatus: 502, NotJSON: true, BodyExcerpt: strings.Repeat("t", 120) + "…"}},
		{"plain text: its first line", 503, nil, "\n\r\n  Service Unavailable\r\nThe server is busy\n",
			Error{HTTPStatus: 503, NotJSON: true, BodyExcerpt: "Service Unavailable"}},
		{"a long first line is cut", 503, nil, "Service\tUnavailable " + strings.Repeat("x", 200) + "\nnext",
			Error{HTTPStatus: 503, NotJSON: true, BodyExcerpt: "Service Unavailable " + strings.Repeat("x", 100) + "…"}},
		{"controls and escapes removed", 502, nil, "bad \x1b[31mgateway\x07\u0085 \xff\xfe end",
			Error{HTTPStatus: 502, NotJSON: true, BodyExcerpt: "bad gateway ? end"}},
		{"not HTML because it merely has a tag later", 502, nil, "error: <none> found",
			Error{HTTPStatus: 502, NotJSON: true, BodyExcerpt: "error: <none> found"}},
		{"empty body", 502, nil, "",
			Error{HTTPStatus: 502, NotJSON: true}},
		{"empty body on 200", 200, nil, "",
			Error{HTTPStatus: 200, NotJSON: true}},
		{"JSON without a code", 200, nil, `{"message":"hi","data":{}}`,
			Error{HTTPStatus: 200, NotJSON: true, BodyExcerpt: `{"message":"hi","data":{}}`}},
		{"JSON array", 500, nil, `[1,2]`,
			Error{HTTPStatus: 500, NotJSON: true, BodyExcerpt: `[1,2]`}},
		{"code not a number", 400, nil, `{"code":"E1","message":"x"}`,
			Error{HTTPStatus: 400, NotJSON: true, BodyExcerpt: `{"code":"E1","message":"x"}`}},
		{"truncated JSON", 200, nil, `{"code":0,"data":{"a":`,
			Error{HTTPStatus: 200, NotJSON: true, BodyExcerpt: `{"code":0,"data":{"a":`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := decodeEnvelope(reply(tt.status, tt.header), []byte(tt.body))
			if data != nil {
				t.Errorf("data %s with an error", data)
			}
			var apiErr *Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %T %v, want *Error", err, err)
			}
			if !reflect.DeepEqual(*apiErr, tt.want) {
				t.Errorf("got  %#v\nwant %#v", *apiErr, tt.want)
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{HTTPStatus: 401, Code: 12002, Message: "invalid token", RequestID: "req-123"}, "invalid token (HTTP 401, code 12002, request req-123)"},
		{Error{HTTPStatus: 400, Code: 50001, Message: "worker does not exist"}, "worker does not exist (HTTP 400, code 50001)"},
		{Error{HTTPStatus: 422, Code: 11000, Message: "invalid argument", Details: []string{"a", "b\nc"}, RequestID: "r"}, "invalid argument: a; b c (HTTP 422, code 11000, request r)"},
		{Error{HTTPStatus: 500}, "API error (HTTP 500)"},
		{Error{HTTPStatus: 500, Details: []string{"x"}}, "API error: x (HTTP 500)"},
		{Error{HTTPStatus: 404, Message: "not found"}, "not found (HTTP 404)"},
		{Error{HTTPStatus: 400, Code: 1, Message: "multi\nline\tmessage\x1b[2J"}, "multi line message (HTTP 400, code 1)"},
		{Error{HTTPStatus: 400, Code: 1, Message: "a\u202eb\r\nnotice: forged", RequestID: "r\nerror: x"}, "ab notice: forged (HTTP 400, code 1, request r error: x)"},
		{Error{HTTPStatus: 502, NotJSON: true, BodyExcerpt: "<html>"}, `unexpected reply from the API (HTTP 502 Bad Gateway): "<html>"`},
		{Error{HTTPStatus: 502, NotJSON: true, RequestID: "gw"}, `unexpected reply from the API (HTTP 502 Bad Gateway, request gw)`},
		{Error{HTTPStatus: 200, NotJSON: true, BodyExcerpt: `say "hi"`}, `unexpected reply from the API (HTTP 200 OK): "say \"hi\""`},
		{Error{HTTPStatus: 599, NotJSON: true}, `unexpected reply from the API (HTTP 599)`},
		{Error{HTTPStatus: 299, NotJSON: true, RequestID: "r"}, `unexpected reply from the API (HTTP 299, request r)`},
		{Error{HTTPStatus: 200, Code: 11000, Message: "invalid argument", RequestID: "req-10"}, "invalid argument (HTTP 200, code 11000, request req-10)"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%+v.Error()\n got %q\nwant %q", tt.err, got, tt.want)
		}
	}
}

func TestErrorClassesAndHints(t *testing.T) {
	tests := []struct {
		err                                Error
		auth, notFound, rateLimited, fault bool
		hint                               string
	}{
		{Error{HTTPStatus: 401, Code: 12001}, true, false, false, false, "check the key: set CORECLAW_API_KEY or run `coreclaw config set api_key -`"},
		{Error{HTTPStatus: 400, Code: 12002}, true, false, false, false, "check the key: set CORECLAW_API_KEY or run `coreclaw config set api_key -`"},
		{Error{HTTPStatus: 401, NotJSON: true}, true, false, false, false, "check the key: set CORECLAW_API_KEY or run `coreclaw config set api_key -`"},
		{Error{HTTPStatus: 400, Code: 30001}, false, false, false, false, "the account balance is too low: top it up in the CoreClaw console"},
		{Error{HTTPStatus: 400, Code: 30003}, false, false, false, false, "the plan's concurrent-run limit is reached: wait for a run to finish, or pass --wait-for-slot DURATION"},
		{Error{HTTPStatus: 400, Code: 50001}, false, true, false, false, "check the Worker id (owner/name or slug); `coreclaw workers search` lists Store Workers"},
		{Error{HTTPStatus: 400, Code: 50003}, false, false, false, false, "that Worker version is not available: omit --version to use the current one"},
		{Error{HTTPStatus: 404, Code: 70001}, false, true, false, false, "check the run slug; `coreclaw runs` lists recent runs"},
		{Error{HTTPStatus: 400, Code: 60001}, false, true, false, false, "check the task id; `coreclaw tasks` lists your tasks"},
		{Error{HTTPStatus: 404, Code: 11004}, false, true, false, false, ""},
		{Error{HTTPStatus: 404, NotJSON: true}, false, true, false, false, ""},
		{Error{HTTPStatus: 429, Code: 13000}, false, false, true, false, "the API is rate limiting this key: try again in a little while"},
		{Error{HTTPStatus: 400, Code: 13000}, false, false, true, false, "the API is rate limiting this key: try again in a little while"},
		{Error{HTTPStatus: 429, NotJSON: true}, false, false, true, false, "the API is rate limiting this key: try again in a little while"},
		{Error{HTTPStatus: 500, Code: 10000}, false, false, false, true, ""},
		{Error{HTTPStatus: 200, Code: 14000}, false, false, false, true, ""},
		{Error{HTTPStatus: 502}, false, false, false, true, ""},
		{Error{HTTPStatus: 503}, false, false, false, true, ""},
		{Error{HTTPStatus: 504}, false, false, false, true, ""},
		{Error{HTTPStatus: 501, Code: 16000}, false, false, false, false, ""},
		{Error{HTTPStatus: 400, Code: 11000}, false, false, false, false, ""},
		{Error{HTTPStatus: 400, Code: 70002}, false, false, false, false, ""},
	}
	for _, tt := range tests {
		e := tt.err
		if e.IsAuth() != tt.auth || e.IsNotFound() != tt.notFound || e.IsRateLimited() != tt.rateLimited || e.IsServerFault() != tt.fault {
			t.Errorf("%+v: auth %v notFound %v rateLimited %v fault %v; want %v %v %v %v", e,
				e.IsAuth(), e.IsNotFound(), e.IsRateLimited(), e.IsServerFault(), tt.auth, tt.notFound, tt.rateLimited, tt.fault)
		}
		if got := e.Hint(); got != tt.hint {
			t.Errorf("%+v.Hint() = %q, want %q", e, got, tt.hint)
		}
	}
}

func TestOtherErrorTypes(t *testing.T) {
	inner := errors.New("connection refused")
	ne := &NetworkError{Method: "GET", URL: "https://x/api", Err: inner, NotSent: true}
	if ne.Error() != "GET https://x/api: connection refused" || !errors.Is(ne, inner) {
		t.Errorf("NetworkError: %q", ne)
	}
	re := &ReplyError{Op: "GET /api/v2/worker-runs/x", Err: inner}
	if re.Error() != "unexpected reply to GET /api/v2/worker-runs/x: connection refused" || !errors.Is(re, inner) {
		t.Errorf("ReplyError: %q", re)
	}
	if ErrNoAPIKey.Error() != "no API key configured" {
		t.Errorf("ErrNoAPIKey: %q", ErrNoAPIKey)
	}
}

func TestRetryable(t *testing.T) {
	refused := &NetworkError{Method: "POST", URL: "u", Err: errors.New("dial tcp 127.0.0.1:1: connect: connection refused"), NotSent: true}
	dropped := &NetworkError{Method: "POST", URL: "u", Err: errors.New("EOF")}
	timeout := &NetworkError{Method: "GET", URL: "u", Err: errors.New("no reply within 1m0s"), Timeout: true}
	type want struct {
		why        string
		retryAfter string
		ok         bool
	}
	tests := []struct {
		name                  string
		err                   error
		reads, creates, never want
	}{
		{"429", &Error{HTTPStatus: 429, Code: 13000, RetryAfter: "2"},
			want{"rate limited (HTTP 429)", "2", true}, want{"rate limited (HTTP 429)", "2", true}, want{"rate limited (HTTP 429)", "2", true}},
		{"13000 on HTTP 400", &Error{HTTPStatus: 400, Code: 13000},
			want{"rate limited (HTTP 400)", "", true}, want{"rate limited (HTTP 400)", "", true}, want{"rate limited (HTTP 400)", "", true}},
		{"500/10000", &Error{HTTPStatus: 500, Code: 10000, RetryAfter: "1"},
			want{"server error (HTTP 500)", "1", true}, want{}, want{}},
		{"503 without a code", &Error{HTTPStatus: 503},
			want{"server error (HTTP 503)", "", true}, want{}, want{}},
		{"14000 on HTTP 200", &Error{HTTPStatus: 200, Code: 14000},
			want{"server error (HTTP 200)", "", true}, want{}, want{}},
		{"gateway page 502", &Error{HTTPStatus: 502, NotJSON: true},
			want{"server error (HTTP 502)", "", true}, want{}, want{}},
		{"not JSON 501", &Error{HTTPStatus: 501, NotJSON: true},
			want{"server error (HTTP 501)", "", true}, want{}, want{}},
		{"not JSON 404", &Error{HTTPStatus: 404, NotJSON: true}, want{}, want{}, want{}},
		{"501/16000 not implemented", &Error{HTTPStatus: 501, Code: 16000}, want{}, want{}, want{}},
		{"400/11000", &Error{HTTPStatus: 400, Code: 11000}, want{}, want{}, want{}},
		{"401", &Error{HTTPStatus: 401, Code: 12001}, want{}, want{}, want{}},
		{"30003 is not retried here", &Error{HTTPStatus: 400, Code: 30003}, want{}, want{}, want{}},
		{"refused connection", refused,
			want{"cannot connect: dial tcp 127.0.0.1:1: connect: connection refused", "", true},
			want{"cannot connect: dial tcp 127.0.0.1:1: connect: connection refused", "", true},
			want{"cannot connect: dial tcp 127.0.0.1:1: connect: connection refused", "", true}},
		{"dropped after sending", dropped, want{"EOF", "", true}, want{}, want{}},
		{"header timeout", timeout, want{"no reply within 1m0s", "", true}, want{}, want{}},
		{"wrapped API error", fmt.Errorf("x: %w", &Error{HTTPStatus: 503}), want{"server error (HTTP 503)", "", true}, want{}, want{}},
		{"redirect to another host", &NetworkError{Method: "GET", URL: "u", Err: fmt.Errorf("%w (evil.example.com)", errForeignRedirect)}, want{}, want{}, want{}},
		{"reply error", &ReplyError{Op: "GET x", Err: errors.New("bad")}, want{}, want{}, want{}},
		{"no key", ErrNoAPIKey, want{}, want{}, want{}},
		{"cancelled", context.Canceled, want{}, want{}, want{}},
		{"plain", errors.New("x"), want{}, want{}, want{}},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			class retryClass
			want  want
		}{{retryReads, tt.reads}, {retryCreates, tt.creates}, {retryNever, tt.never}} {
			// The loop refuses Permanent failures before it classifies.
			why, ra, ok := "", "", false
			if !Permanent(tt.err) {
				why, ra, ok = retryable(c.class, tt.err)
			}
			if c.class == retryNever {
				c.want = want{} // never repeated, whatever the failure
			}
			if (want{why, ra, ok}) != c.want {
				t.Errorf("%s, class %d: got %q %q %v, want %+v", tt.name, c.class, why, ra, ok, c.want)
			}
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 8, 8, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"   ", 0, false},
		{"0", 0, true},
		{"3", 3 * time.Second, true},
		{" 10 ", 10 * time.Second, true},
		{"120", 2 * time.Minute, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"Sat, 08 Aug 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Saturday, 08-Aug-26 12:01:00 GMT", time.Minute, true}, // RFC 850
		{"Sat Aug  8 12:00:05 2026", 5 * time.Second, true},     // asctime
		{"Sat, 08 Aug 2026 11:59:00 GMT", 0, true},              // in the past: now
		{"Sat, 08 Aug 2026 12:00:00 GMT", 0, true},
		{"Sat, 08 Aug 2026 25:00:00 GMT", 0, false},
		// Absurd values are capped rather than overflowing into a negative
		// (immediate) delay.
		{"99999999999", 24 * time.Hour, true},
		{"9223372036854775807", 24 * time.Hour, true},
		{"86400", 24 * time.Hour, true},
		{"99999999999999999999999", 24 * time.Hour, true}, // beyond int64
		{"-99999999999999999999999", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseRetryAfter(tt.v, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.v, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoff(t *testing.T) {
	identity := func(d time.Duration) time.Duration { return d }
	p := RetryPolicy{MaxAttempts: 10, BaseDelay: 500 * time.Millisecond, MaxDelay: 8 * time.Second, Jitter: identity}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second}
	for i, w := range want {
		if got := p.backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	// The cap applies even below the base, and to uneven doublings.
	p2 := RetryPolicy{BaseDelay: 3 * time.Second, MaxDelay: 10 * time.Second, Jitter: identity}
	for attempt, w := range map[int]time.Duration{1: 3 * time.Second, 2: 6 * time.Second, 3: 10 * time.Second, 50: 10 * time.Second} {
		if got := p2.backoff(attempt); got != w {
			t.Errorf("backoff(%d) with base 3s, max 10s = %v, want %v", attempt, got, w)
		}
	}
	p3 := RetryPolicy{BaseDelay: 5 * time.Second, MaxDelay: time.Second, Jitter: identity}
	if got := p3.backoff(1); got != time.Second {
		t.Errorf("base above max: %v", got)
	}
	// The jitter function sees the capped delay.
	var seen []time.Duration
	p4 := RetryPolicy{BaseDelay: time.Second, MaxDelay: 2 * time.Second, Jitter: func(d time.Duration) time.Duration { seen = append(seen, d); return d / 4 }}
	if got := p4.backoff(3); got != 500*time.Millisecond || len(seen) != 1 || seen[0] != 2*time.Second {
		t.Errorf("custom jitter: %v (saw %v)", got, seen)
	}
	// The default jitter stays within [d/2, d].
	p5 := RetryPolicy{BaseDelay: time.Second, MaxDelay: 8 * time.Second}
	for i := 0; i < 200; i++ {
		if got := p5.backoff(2); got < time.Second || got > 2*time.Second {
			t.Fatalf("default jitter gave %v for a 2s delay", got)
		}
	}
	if got := (RetryPolicy{}).backoff(1); got != 0 {
		t.Errorf("zero policy: %v", got)
	}
	if got := (RetryPolicy{BaseDelay: 1, MaxDelay: 1}).backoff(1); got != 1 {
		t.Errorf("1ns: %v", got)
	}
	if d := DefaultRetryPolicy(); d.MaxAttempts != 5 || d.BaseDelay != 500*time.Millisecond || d.MaxDelay != 8*time.Second || d.Budget != time.Minute || d.Jitter != nil {
		t.Errorf("DefaultRetryPolicy() = %+v", d)
	}
	if n := NoRetries(); n.MaxAttempts != 1 {
		t.Errorf("NoRetries() = %+v", n)
	}
}

func TestRetryDelay(t *testing.T) {
	now := time.Date(2026, 8, 8, 12, 0, 0, 0, time.UTC)
	c := &Client{now: func() time.Time { return now }, retry: RetryPolicy{
		MaxAttempts: 4, BaseDelay: time.Second, MaxDelay: 8 * time.Second, Budget: 10 * time.Second,
		Jitter: func(d time.Duration) time.Duration { return d },
	}}
	read := call{method: "GET", path: "/x", retry: retryReads}
	create := call{method: "POST", path: "/x", retry: retryCreates}
	never := call{method: "DELETE", path: "/x", retry: retryNever}
	unavailable := &Error{HTTPStatus: 503}
	limited := &Error{HTTPStatus: 429, Code: 13000}
	tests := []struct {
		name    string
		cl      call
		err     error
		attempt int
		elapsed time.Duration
		delay   time.Duration
		why     string
		ok      bool
	}{
		{"first retry", read, unavailable, 1, 0, time.Second, "server error (HTTP 503)", true},
		{"third retry", read, unavailable, 3, 3 * time.Second, 4 * time.Second, "server error (HTTP 503)", true},
		{"attempts used up", read, unavailable, 4, 0, 0, "", false},
		{"budget would be passed", read, unavailable, 3, 6*time.Second + 1, 0, "", false},
		{"budget exactly reached", read, unavailable, 3, 6 * time.Second, 4 * time.Second, "server error (HTTP 503)", true},
		{"create on a server fault", create, unavailable, 1, 0, 0, "", false},
		{"create rate limited", create, limited, 1, 0, time.Second, "rate limited (HTTP 429)", true},
		{"never", never, limited, 1, 0, 0, "", false},
		{"Retry-After seconds", read, &Error{HTTPStatus: 429, RetryAfter: "7"}, 1, 0, 7 * time.Second, "rate limited (HTTP 429)", true},
		{"Retry-After zero", read, &Error{HTTPStatus: 429, RetryAfter: "0"}, 3, 0, 0, "rate limited (HTTP 429)", true},
		{"Retry-After date", read, &Error{HTTPStatus: 503, RetryAfter: "Sat, 08 Aug 2026 12:00:02 GMT"}, 1, 0, 2 * time.Second, "server error (HTTP 503)", true},
		{"Retry-After past the budget", read, &Error{HTTPStatus: 503, RetryAfter: "11"}, 1, 0, 0, "", false},
		{"Retry-After garbage: backoff", read, &Error{HTTPStatus: 503, RetryAfter: "later"}, 2, 0, 2 * time.Second, "server error (HTTP 503)", true},
		{"Retry-After huge", read, &Error{HTTPStatus: 503, RetryAfter: "99999999999"}, 1, 0, 0, "", false},
	}
	for _, tt := range tests {
		delay, why, ok := c.retryDelay(tt.err, callClassifier(tt.cl), tt.attempt, tt.elapsed)
		if delay != tt.delay || why != tt.why || ok != tt.ok {
			t.Errorf("%s: got %v %q %v, want %v %q %v", tt.name, delay, why, ok, tt.delay, tt.why, tt.ok)
		}
	}
	// No budget: any number of seconds, as long as attempts remain.
	c.retry.Budget = 0
	if d, _, ok := c.retryDelay(&Error{HTTPStatus: 503, RetryAfter: "3600"}, callClassifier(read), 1, time.Hour); !ok || d != time.Hour {
		t.Errorf("no budget: %v %v", d, ok)
	}
}

func TestRoundDelay(t *testing.T) {
	for in, want := range map[time.Duration]time.Duration{
		0:                         0,
		123456 * time.Microsecond: 120 * time.Millisecond,
		1234 * time.Millisecond:   1200 * time.Millisecond,
		8 * time.Second:           8 * time.Second,
	} {
		if got := roundDelay(in); got != want {
			t.Errorf("roundDelay(%v) = %v, want %v", in, got, want)
		}
	}
}

func TestDetailListJSON(t *testing.T) {
	var env envelope
	if err := json.Unmarshal([]byte(`{"code":1,"details":["a",{"b":2}]}`), &env); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual([]string(env.Details), []string{"a", `{"b":2}`}) {
		t.Errorf("details = %q", env.Details)
	}
}
