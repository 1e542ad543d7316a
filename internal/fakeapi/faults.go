package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"time"
)

// Fault is a scripted misbehaviour for requests that match Method and Path
// (a path.Match pattern, e.g. /api/v2/worker-runs/*/result).
type Fault struct {
	Method string
	Path   string
	// Times is how many matching requests it spoils; 0 means all.
	Times int
	// Skip lets that many matching requests through first.
	Skip int

	Status     int    // HTTP status of the error reply
	Code       int    // envelope code; with Status 200 gives "200 with code != 0"
	Message    string // envelope message
	RetryAfter string // Retry-After header
	Delay      time.Duration
	Drop       bool          // close the connection without replying
	HTML       bool          // reply with an HTML page instead of JSON
	Truncate   bool          // send half the body, then close
	SlowBody   time.Duration // pause between chunks of the body
	// AfterHandling carries the request out (a run is created, say) and
	// then spoils the reply: the "5xx after sending" case.
	AfterHandling bool
	// Data, when set, is sent as the data of a success reply (raw JSON),
	// for replies that lack a field or have the wrong shape.
	Data string
	// Raw replies with Body exactly as given (Status, 200 by default): the
	// odd replies the spec does not allow (data null, a string, a bad
	// type, an empty or cut body).
	Raw  bool
	Body string
	// Redirect replies with this Location and no body (Status, 302 by
	// default).
	Redirect string
	// Echo makes the error reply repeat the request's Authorization header
	// (see hostile.go): in the message, the request id, the details, an
	// HTML page or a plain-text body. EchoAs encodes it first: raw,
	// base64 (as a Basic credential) or url.
	Echo   []string
	EchoAs string
	// Gzip (download host only) sends the file gzip-compressed with
	// Content-Encoding: gzip, whatever the request's Accept-Encoding.
	Gzip bool
	// Malformed answers with a header line that is not a header, which
	// no client can read however often it asks.
	Malformed bool

	used, seen int
}

// delayOnly reports a fault that only slows the reply down: after the delay
// the request is carried out as usual.
func (f *Fault) delayOnly() bool {
	return f.Delay > 0 && !f.Drop && !f.HTML && !f.Truncate && f.SlowBody == 0 && f.Status == 0 && f.Code == 0 && f.Data == "" && len(f.Echo) == 0
}

// AddFault installs a fault. Faults are tried in the order added.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

func (s *Server) takeFault(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if f.Method != "" && f.Method != r.Method {
			continue
		}
		if ok, _ := path.Match(f.Path, r.URL.Path); !ok && f.Path != r.URL.Path {
			continue
		}
		f.seen++
		if f.seen <= f.Skip {
			continue
		}
		if f.Times > 0 && f.used >= f.Times {
			continue
		}
		f.used++
		cp := *f
		return &cp
	}
	return nil
}

// applyFault sends the spoiled reply. rec is the real reply when the
// request was carried out first.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f *Fault, rec *recorder) {
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if f.Drop {
		drop(w)
		return
	}
	if f.Malformed {
		writeRaw(w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nthis is not a header\r\nContent-Length: 2\r\n\r\n{}")
		return
	}
	if f.Raw || f.Redirect != "" {
		s.applyOddReply(w, f)
		return
	}
	if len(f.Echo) > 0 {
		s.writeEcho(w, r, f)
		return
	}
	status := f.Status
	var body []byte
	contentType := "application/json"
	switch {
	case f.HTML:
		if status == 0 {
			status = http.StatusBadGateway
		}
		contentType = "text/html"
		body = []byte("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n")
	case f.Code != 0 || f.Status != 0:
		if status == 0 {
			status = http.StatusOK
		}
		msg := f.Message
		if msg == "" {
			msg = defaultMessage(f.Code)
		}
		body, _ = json.Marshal(map[string]any{"code": f.Code, "message": msg, "request_id": s.requestID()})
	case f.Data != "":
		status = http.StatusOK
		body, _ = json.Marshal(map[string]any{"code": 0, "message": "success", "request_id": s.requestID(), "data": json.RawMessage(f.Data)})
	case rec != nil:
		status = rec.status
		body = rec.body.Bytes()
	default:
		status = http.StatusOK
		body, _ = json.Marshal(map[string]any{"code": 0, "message": "success", "request_id": s.requestID()})
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	w.Header().Set("Content-Type", contentType)
	if f.Truncate {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		w.Write(body[:len(body)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		drop(w)
		return
	}
	w.WriteHeader(status)
	if f.SlowBody > 0 {
		for _, chunk := range chunks(body, 16) {
			w.Write(chunk)
			if fl, ok := w.(http.Flusher); ok {
				fl.Flush()
			}
			select {
			case <-time.After(f.SlowBody):
			case <-r.Context().Done():
				return
			}
		}
		return
	}
	w.Write(body)
}

// applyOddReply sends a raw body or a redirect.
func (s *Server) applyOddReply(w http.ResponseWriter, f *Fault) {
	status := f.Status
	if f.Redirect != "" {
		if status == 0 {
			status = http.StatusFound
		}
		w.Header().Set("Location", f.Redirect)
		w.WriteHeader(status)
		return
	}
	if status == 0 {
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write([]byte(f.Body))
}

// drop closes the connection under the handler, so the client sees a
// reset or an unexpected EOF.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// writeRaw sends reply as the whole HTTP response, byte for byte, and
// closes the connection: for replies net/http would refuse to write.
func writeRaw(w http.ResponseWriter, reply string) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	buf.WriteString(reply)
	buf.Flush()
}

func chunks(b []byte, n int) [][]byte {
	var out [][]byte
	for len(b) > n {
		out = append(out, b[:n])
		b = b[n:]
	}
	return append(out, b)
}

func defaultMessage(code int) string {
	switch code {
	case 10000:
		return "internal server error"
	case 11000:
		return "invalid argument"
	case 11004:
		return "not found"
	case 12001:
		return "authentication required"
	case 12002:
		return "invalid token"
	case 13000:
		return "too many requests"
	case 14000:
		return "database error"
	case 30001:
		return "account balance is insufficient"
	case 30003:
		return "the current running tasks have reached the plan limit"
	case 50001:
		return "worker does not exist"
	case 50002:
		return "worker run failed"
	case 50003:
		return "the worker version is not available"
	case 60001:
		return "task does not exist"
	case 70001:
		return "run record does not exist"
	case 70002:
		return "run operation failed"
	}
	return fmt.Sprintf("error %d", code)
}
