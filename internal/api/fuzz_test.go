package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode"
)

// FuzzParseWorkerID: an accepted id is safe in a URL path and parses to
// itself again.
func FuzzParseWorkerID(f *testing.F) {
	for _, seed := range []string{"owner/name", "owner~name", "01KPD6M5YQADCQKGVKPDZVYC63", "a/b/c", "a~b/c", "/x", "x/", "a b/c",
		"../etc", "a/..", "12345", "ünï/cødé", "a\x00/b", "a%2Fb", "a?b", "a#b"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseWorkerID(s)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("error on more than one line: %q", err)
			}
			return
		}
		str := string(id)
		if strings.ContainsAny(str, "/\\?#% ") || strings.Count(str, "~") > 1 || strings.Contains(str, "..") {
			t.Fatalf("unsafe id %q from %q", str, s)
		}
		for _, r := range str {
			if unicode.IsSpace(r) || unicode.IsControl(r) {
				t.Fatalf("unsafe id %q from %q", str, s)
			}
		}
		again, err := ParseWorkerID(str)
		if err != nil || again != id {
			t.Fatalf("ParseWorkerID(%q) = %q, %v; want itself", str, again, err)
		}
	})
}

// FuzzStatusJSON: any JSON value decodes to a status without panicking, and
// a status decodes the same from its own encoding.
func FuzzStatusJSON(f *testing.F) {
	for _, seed := range []string{`"running"`, `"SUCCEEDED"`, `3`, `5`, `"4"`, `null`, `"finished"`, `7`, `{}`, `[]`, `"ab\u0000c"`, `1.5`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Status
		if err := json.Unmarshal(b, &s); err != nil {
			return
		}
		raw, _ := json.Marshal(string(s))
		var again Status
		if err := json.Unmarshal(raw, &again); err != nil || again != s {
			t.Fatalf("%q re-decodes as %q (%v)", s, again, err)
		}
	})
}

// FuzzDecodeEnvelope: any reply is either data or an *Error whose message
// is one line without control characters.
func FuzzDecodeEnvelope(f *testing.F) {
	for _, seed := range []struct {
		status int
		body   string
	}{
		{200, `{"code":0,"message":"success","data":{"run_slug":"x"}}`},
		{200, `{"code":14000,"message":"database error"}`},
		{401, `{"code":12001,"message":"authentication required","request_id":"req-1","details":["a","b"]}`},
		{422, `{"code":11000,"message":"bad","details":[{"field":"x"}]}`},
		{502, `<html>Bad Gateway</html>`},
		{200, `{"code":"0","message":"ok"}`},
		{500, "{\"code\":10000,\"message\":\"line\\nbreak\\u001b[31m\"}"},
		{200, ``},
	} {
		f.Add(seed.status, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		_, err := decodeEnvelope(resp, body)
		if err == nil {
			return
		}
		apiErr, ok := err.(*Error)
		if !ok {
			t.Fatalf("error of type %T", err)
		}
		msg := apiErr.Error()
		for _, r := range msg {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("control character in %q", msg)
			}
		}
	})
}

// FuzzInt64: numbers and numeric strings decode exactly; anything else is
// an error, never a panic.
func FuzzInt64(f *testing.F) {
	for _, seed := range []string{`1`, `"42"`, `9007199254740993`, `"9223372036854775807"`, `1.0`, `1e3`, `null`, `"x"`, `-0`, `""`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var n Int64
		if err := json.Unmarshal(b, &n); err != nil {
			return
		}
		raw, _ := json.Marshal(n)
		var again Int64
		if err := json.Unmarshal(raw, &again); err != nil || again != n {
			t.Fatalf("%d re-decodes as %d (%v)", n, again, err)
		}
	})
}
