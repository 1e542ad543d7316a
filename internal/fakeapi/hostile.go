package fakeapi

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
)

// A careless or hostile server: error replies that repeat the caller's
// credentials (Fault.Echo), run records that carry the key or terminal
// controls (Variants.LeakKey, Variants.Hostile). The CLI must print none
// of it as it came.

// Hostile text for run records: an escape sequence that would retitle the
// window, colour codes, a bidi override that reverses what follows, and a
// newline that would start a line of the CLI's own.
const (
	HostileUsage = "0.0130\nnotice: forged line"
	HostileTitle = "Evil \x1b]0;pwned\x07Title\u202egnp.exe \x1b[31mred\x1b[0m"
	HostileError = "bad \x1b[2Jthing\u2066 happened\nerror: forged line"
)

// HostileSchema is the input schema every Worker has under
// Variants.Hostile: a default with a bidi override, a C1 CSI and DEL raw in
// its JSON strings.
const HostileSchema = "{\"properties\":[" +
	"{\"name\":\"note\",\"type\":\"string\",\"default\":\"abc\u202edef\u0085\u009b2J\x7f\"}," +
	"{\"name\":\"title\",\"type\":\"string\",\"required\":true,\"description\":\"x\u2066y\"}]}"

// echoed is the Authorization header in the form a fault repeats it.
func echoed(auth, as string) string {
	token := strings.TrimPrefix(auth, "Bearer ")
	switch as {
	case "base64":
		return "Basic " + base64.StdEncoding.EncodeToString([]byte("coreclaw:"+token))
	case "url":
		return url.QueryEscape(auth)
	}
	return auth
}

// writeEcho sends an error reply that repeats the request's Authorization
// header where the fault says (message, request-id, details, html, text).
func (s *Server) writeEcho(w http.ResponseWriter, r *http.Request, f *Fault) {
	auth := echoed(r.Header.Get("Authorization"), f.EchoAs)
	status, code := f.Status, f.Code
	if status == 0 {
		status = http.StatusUnauthorized
	}
	if code == 0 {
		code = 12002
	}
	msg := f.Message
	if msg == "" {
		msg = defaultMessage(code)
	}
	reqID := s.requestID()
	var details []string
	var page, text string
	for _, where := range f.Echo {
		switch where {
		case "message":
			msg += ": got Authorization: " + auth
		case "request-id":
			reqID += "-" + strings.ReplaceAll(auth, " ", "-")
		case "details":
			details = append(details, "Authorization: "+auth)
		case "html":
			page = fmt.Sprintf("<!DOCTYPE html>\n<html><head><title>%d Rejected %s</title><style>h1{}</style></head>\n<body><h1>Rejected</h1><p>Authorization: %s</p></body></html>\n",
				status, html.EscapeString(auth), html.EscapeString(auth))
		case "text":
			text = "rejected Authorization: " + auth + "\nrequest " + reqID + "\n"
		}
	}
	w.Header().Set("X-Request-Id", reqID)
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	switch {
	case page != "":
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		fmt.Fprint(w, page)
	case text != "":
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		fmt.Fprint(w, text)
	default:
		env := map[string]any{"code": code, "message": msg, "request_id": reqID}
		if details != nil {
			env["details"] = details
		}
		b, _ := json.Marshal(env)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(b)
	}
}

// leakyErrMsg is a failed run's err_msg under Variants.LeakKey: what a
// Worker that logs the request it was given would report.
func (s *Server) leakyErrMsg(msg string) string {
	return msg + " (request had Authorization: Bearer " + s.key + ")"
}

// hostileRecord applies Variants.LeakKey and Variants.Hostile to a run
// record. Callers hold s.mu.
func (s *Server) hostileRecord(r *fakeRun, rec map[string]any) {
	if s.variants.Hostile {
		rec["usage"] = HostileUsage
		rec["scraper_title"] = HostileTitle
		if r.Status == "failed" {
			if _, ok := rec["err_msg"]; ok {
				rec["err_msg"] = HostileError
			}
		}
	}
	if s.variants.LeakKey && r.Status == "failed" {
		if msg, ok := rec["err_msg"].(string); ok {
			rec["err_msg"] = s.leakyErrMsg(msg)
		}
	}
}

// signedQuery is the query of a download link under Variants.SignedLinks.
// Callers hold s.mu.
func (s *Server) signedQuery() string {
	if !s.variants.SignedLinks {
		return ""
	}
	return fmt.Sprintf("?X-Amz-Expires=600&X-Amz-Signature=SECRET-SIGNATURE-%d", s.files.next)
}
